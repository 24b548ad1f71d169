package io.agentforge.websocket.connection;

/**
 * One message for the subscribers of a topic, serialised once for all of them.
 *
 * @param eventId the bus event it came from, which a client quotes to resume
 * @param json    the text frame
 */
public record TopicMessage(String topic, String eventId, String json) {
}
