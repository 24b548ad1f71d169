package io.agentforge.engine.tools;

/** Executes the text of one tool call. Implementations never throw: every failure is an error {@link ToolResult}. */
@FunctionalInterface
public interface ToolRuntime {

    ToolResult call(String callText);
}
