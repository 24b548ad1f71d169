/**
 * The configuration records every service takes: one per service ({@code TrainingServiceConfig}, ...), the variable
 * names ({@link io.agentforge.platform.config.Variable}), the service names and URLs. The launcher parses the
 * environment (SPEC section 2) into them once, at start-up; nothing else reads the environment.
 */
package io.agentforge.platform.config;
