/**
 * What the configuration of every service shares: the service names and URLs and the log format. Each service's own
 * record lives beside it ({@code TrainingServiceConfig} in {@code training}, ...); the launcher parses the environment
 * (SPEC section 2) into them once, at start-up, and nothing else reads the environment.
 */
package io.agentforge.platform.config;
