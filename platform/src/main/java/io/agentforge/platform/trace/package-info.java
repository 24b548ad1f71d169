/**
 * W3C Trace Context ({@code traceparent}) across the services: the trace a request or event belongs to, held for the
 * thread doing its work and written into the log MDC as {@code trace_id}. The web frame and the event bus open it,
 * the HTTP client and the bus's publish pass it on; any code may read it, nothing here depends on a service.
 */
package io.agentforge.platform.trace;
