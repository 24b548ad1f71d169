/**
 * The event bus: {@link io.agentforge.contracts.events.Event}s published by one service and consumed by others,
 * the event types, and the {@link io.agentforge.contracts.events.EventBus} interface with its in-process and Redis
 * implementations in the platform module.
 */
package io.agentforge.contracts.events;
