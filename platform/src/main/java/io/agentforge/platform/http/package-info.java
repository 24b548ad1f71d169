/**
 * Calls from one service to another in distributed mode: {@link io.agentforge.platform.http.ServiceClient} (timeouts,
 * retry with exponential backoff for idempotent calls, a circuit breaker, errors mapped back to the contract's
 * exceptions). The HTTP implementations of the service interfaces that use it live where they are wired, in the
 * launcher. Any service may depend on this package.
 */
package io.agentforge.platform.http;
