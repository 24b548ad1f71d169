/**
 * The HTTP implementations of the service interfaces in {@code contracts} (distributed mode): each turns a call into
 * a request through the platform's {@link io.agentforge.launcher.remote.ServiceClient} and the answer back into contract
 * records and exceptions. Only the launcher's wiring creates them, for a callee that runs in another process.
 */
package io.agentforge.launcher.remote;
