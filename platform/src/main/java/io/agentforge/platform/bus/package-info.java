/**
 * The event bus behind {@link io.agentforge.contracts.events.EventBus}: the in-process implementation (the default)
 * and what every implementation shares: one subscriber's delivery thread
 * ({@link io.agentforge.platform.bus.DeliveryThread}), the meaning of a pattern, the traffic counters. The Redis Streams implementation (when {@code REDIS_URL} is set) is
 * built on these in the launcher, which picks the bus at start-up and is its only user; both pass one contract test
 * suite. Services never depend on this package directly; they see the contract's interface.
 */
package io.agentforge.platform.bus;
