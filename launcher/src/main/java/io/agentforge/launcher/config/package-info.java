/**
 * The environment parsed once, at start-up: {@link io.agentforge.launcher.config.AgentForgeConfig} holds every
 * variable of SPEC section 2 as the platform's configuration records, and a malformed value fails fast with a
 * {@link io.agentforge.launcher.config.ConfigException} naming the variable (every malformed one at once).
 */
package io.agentforge.launcher.config;
