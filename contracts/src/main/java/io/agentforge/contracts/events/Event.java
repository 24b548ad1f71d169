package io.agentforge.contracts.events;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened, published on the bus (SPEC section 6).
 *
 * @param eventId a UUID, unique per event
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Event(String eventId, String eventType, String sourceService, Instant timestamp,
                    Map<String, Object> data) {
    public Event {
        data = data == null ? Map.of() : data;
    }

    /** A new event with a fresh id, stamped now. */
    public static Event of(String eventType, String sourceService, Map<String, Object> data) {
        return new Event(UUID.randomUUID().toString(), eventType, sourceService, Instant.now(), data);
    }
}
