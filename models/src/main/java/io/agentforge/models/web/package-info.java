/**
 * The Model service's HTTP routes on port 8002 ({@link io.agentforge.models.web.ModelRoutes}) and the parsing of
 * their query parameters ({@link io.agentforge.models.web.ModelRequests}). Handlers parse, call the
 * {@link io.agentforge.models.registry.ModelRegistry}, and answer; failures are thrown and mapped to HTTP by the
 * platform's web frame. Depends on the contracts, the platform's web frame and the registry.
 */
package io.agentforge.models.web;
