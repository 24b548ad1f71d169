/**
 * Tools a model calls while it generates: the calculator (a small exact-arithmetic grammar, never a script engine) and
 * the {@link io.agentforge.engine.tools.ToolRuntime} seam through which generation hands a call over and gets its
 * result. Depends on nothing else in the engine.
 */
package io.agentforge.engine.tools;
