/**
 * Starts Agent Forge: {@link io.agentforge.launcher.Main} reads the command line and the configuration
 * ({@code launcher.config}), and {@link io.agentforge.launcher.Wiring} builds the object graph top to bottom (shared
 * infrastructure (the event bus from {@code launcher.bus}), then the five services, or one named service alone, with
 * HTTP clients from {@code launcher.remote} for the services in other processes). The only module that knows every
 * service.
 */
package io.agentforge.launcher;
