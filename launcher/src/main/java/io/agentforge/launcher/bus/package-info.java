/**
 * The choice of event bus at start-up ({@link io.agentforge.launcher.bus.EventBuses}) and the bus on Redis Streams
 * that several processes share when {@code REDIS_URL} is set: the bus itself, its connections, consumer groups,
 * readers and the outbox on local disk that keeps events while Redis is away. Built on the shared pieces of
 * {@code platform.bus}; only the launcher's wiring uses it, and services see the contract's {@code EventBus}.
 */
package io.agentforge.launcher.bus;
