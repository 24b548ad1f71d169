/**
 * The public REST API's own shapes: the {@link io.agentforge.contracts.api.ApiResponse} envelope of every REST
 * response, and the requests of the phase and chat endpoints.
 */
package io.agentforge.contracts.api;
