/**
 * Calls from one service to another in distributed mode: {@link io.agentforge.platform.http.ServiceClient} (timeouts,
 * retry with exponential backoff for idempotent calls, a circuit breaker, errors mapped back to the contract's
 * exceptions) and the HTTP implementations of the service interfaces in the contracts module. Any service may use them.
 */
package io.agentforge.platform.http;
