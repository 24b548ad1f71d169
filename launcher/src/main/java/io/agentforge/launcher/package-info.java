/**
 * Starts Agent Forge: {@link io.agentforge.launcher.Main} reads the command line and the configuration, and
 * {@link io.agentforge.launcher.Wiring} builds the object graph top to bottom (shared infrastructure, then the five
 * services, or one named service alone). The only module that knows every service.
 */
package io.agentforge.launcher;
