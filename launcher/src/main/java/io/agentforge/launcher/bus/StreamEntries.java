package io.agentforge.launcher.bus;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.bus.EventTypePattern;
import io.lettuce.core.StreamMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an event is written as a stream entry and read back: the event's JSON, and beside it its id and type, so that
 * readers filter and look-backs scan without parsing every entry.
 */
final class StreamEntries {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEntries.class);
    private static final String FIELD_EVENT_ID = "event_id";
    private static final String FIELD_EVENT_TYPE = "event_type";
    private static final String FIELD_EVENT = "event";

    private StreamEntries() {
    }

    static Map<String, String> body(Event event) {
        var body = new LinkedHashMap<String, String>();
        body.put(FIELD_EVENT_ID, event.eventId());
        body.put(FIELD_EVENT_TYPE, event.eventType());
        body.put(FIELD_EVENT, Json.write(event));
        return body;
    }

    static boolean isEvent(StreamMessage<String, String> message, String eventId) {
        return message.getBody() != null && eventId.equals(message.getBody().get(FIELD_EVENT_ID));
    }

    static boolean matches(EventTypePattern pattern, StreamMessage<String, String> message) {
        return message.getBody() != null && pattern.matches(message.getBody().get(FIELD_EVENT_TYPE));
    }

    /** Null for entries that are not ours to deliver: trimmed away while pending, or not an event we can read. */
    static EventEnvelope decode(StreamMessage<String, String> message) {
        Map<String, String> body = message.getBody();
        String json = body == null ? null : body.get(FIELD_EVENT);
        if (json == null) {
            return null;
        }
        try {
            return new EventEnvelope(message.getId(), Json.read(json, Event.class));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("skipping unreadable entry {} of stream {}: {}", message.getId(), message.getStream(),
                    e.getMessage());
            return null;
        }
    }
}
