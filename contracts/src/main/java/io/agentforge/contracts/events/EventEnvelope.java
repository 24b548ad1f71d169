package io.agentforge.contracts.events;

/**
 * An event as delivered by the bus, with its position in the bus's log. Positions increase in publish order, so a
 * consumer that remembers the last one it saw can ask for what came after it.
 *
 * @param position the bus's own ordering key (a counter in-process, the stream entry id in Redis)
 */
public record EventEnvelope(String position, Event event) {
}
