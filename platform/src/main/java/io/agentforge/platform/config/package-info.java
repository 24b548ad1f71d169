/**
 * Agent Forge's configuration: every environment variable of SPEC section 2 parsed once, at start-up, into immutable
 * records ({@link io.agentforge.platform.config.AgentForgeConfig} and one record per service). A malformed value fails
 * fast with a {@link io.agentforge.platform.config.ConfigException} naming the variable; nothing else reads the environment.
 */
package io.agentforge.platform.config;
