/**
 * The event bus behind {@link io.agentforge.contracts.events.EventBus}: an in-process implementation (the default)
 * and one on Redis Streams (when {@code REDIS_URL} is set), both passing one contract test suite; the launcher picks
 * one at start-up. Services never depend on this package directly; only the launchers that build the object graph
 * do, and everyone else sees the contract's interface.
 */
package io.agentforge.platform.bus;
