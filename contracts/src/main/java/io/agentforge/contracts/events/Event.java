package io.agentforge.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened, published on the bus (SPEC section 6).
 *
 * @param eventId     a UUID, unique per event
 * @param traceparent the W3C trace context of the work that published it, so that its consumers' work (and logs)
 *                    join the same trace; set by the bus on publish, omitted from JSON when there is none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Event(String eventId, String eventType, String sourceService, Instant timestamp,
                    Map<String, Object> data,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent) {
    public Event {
        data = data == null ? Map.of() : data;
    }

    /** An event outside any trace. */
    public Event(String eventId, String eventType, String sourceService, Instant timestamp, Map<String, Object> data) {
        this(eventId, eventType, sourceService, timestamp, data, null);
    }

    /** A new event with a fresh id, stamped now. */
    public static Event of(String eventType, String sourceService, Map<String, Object> data) {
        return new Event(UUID.randomUUID().toString(), eventType, sourceService, Instant.now(), data);
    }

    /** The same event in the given trace. */
    public Event withTraceparent(String traceparent) {
        return new Event(eventId, eventType, sourceService, timestamp, data, traceparent);
    }
}
