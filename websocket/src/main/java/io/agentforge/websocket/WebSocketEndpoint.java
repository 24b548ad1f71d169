package io.agentforge.websocket;

import io.agentforge.platform.security.AccessControl;
import io.agentforge.websocket.connection.ClientConnection;
import io.agentforge.websocket.connection.ClientSocket;
import io.agentforge.websocket.protocol.WireMessages;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.util.Optional;

/**
 * The Helidon side of one {@code /ws} connection (a new instance per connection): passes complete text messages to
 * the {@link WebSocketHub} and enforces the message size across fragments (Helidon enforces it per frame).
 */
final class WebSocketEndpoint implements WsListener {
    private final WebSocketHub hub;
    private final int maxMessageBytes;
    private final AccessControl access;
    private final StringBuilder fragments = new StringBuilder();
    private String userAgent;
    private ClientConnection connection;

    WebSocketEndpoint(WebSocketHub hub, int maxMessageBytes, AccessControl access) {
        this.hub = hub;
        this.maxMessageBytes = maxMessageBytes;
        this.access = access;
    }

    /**
     * Browsers cannot give a WebSocket an {@code Authorization} header, so the token may come as {@code ?token=}; a
     * browser's Origin must be one of {@code CORS_ORIGINS}. A refused upgrade falls through to the HTTP routing, whose
     * access filter answers the same refusal as 401 or 403 in the envelope.
     */
    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        var bearer = headers.first(HeaderNames.AUTHORIZATION).filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim());
        var credential = bearer.or(() -> prologue.query().first("token").asOptional());
        var decision = access.decide(new AccessControl.Request("GET", WebSocketRoutes.PATH, credential,
                headers.first(HeaderNames.ORIGIN), headers.first(HeaderNames.HOST)));
        if (decision instanceof AccessControl.Decision.Denied denied) {
            throw new WsUpgradeException(denied.message());
        }
        userAgent = headers.first(HeaderNames.USER_AGENT).orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        var clientIp = session.socketContext().remotePeer().host();
        // Helidon calls onOpen on the connection's own reader thread, which ends when the peer goes away.
        hub.open(new SessionSocket(session, Thread.currentThread()), clientIp, userAgent).ifPresentOrElse(
                opened -> connection = opened,
                () -> session.close(WebSocketHub.TRY_AGAIN_LATER, "too many connections, try again later"));
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (connection == null) {
            return;
        }
        if (fragments.length() + text.length() > maxMessageBytes) {
            fragments.setLength(0);
            hub.drop(connection, WebSocketHub.MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
            return;
        }
        if (!last) {
            fragments.append(text);
            return;
        }
        var message = fragments.isEmpty() ? text : fragments.append(text).toString();
        fragments.setLength(0);
        hub.receive(connection, message);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (connection != null && last) {
            connection.heard();
            connection.send(WireMessages.error("binary_not_supported", "send JSON text messages"));
        }
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        if (connection != null) {
            connection.heard();
        }
        session.pong(buffer);
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        if (connection != null) {
            connection.heard();
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (connection != null) {
            hub.closed(connection);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (connection != null) {
            hub.closed(connection);
        }
    }

    /**
     * A Helidon session as the hub's {@link ClientSocket}. When the peer closes its socket without a Close frame (a
     * killed browser, a dropped network) Helidon's reader thread just ends and the listener hears nothing; whether
     * that thread is alive is how the hub learns of it.
     */
    private record SessionSocket(WsSession session, Thread reader) implements ClientSocket {
        @Override
        public boolean isOpen() {
            return reader.isAlive();
        }

        @Override
        public void send(String text) {
            session.send(text, true);
        }

        @Override
        public void ping() {
            session.ping(BufferData.empty());
        }

        @Override
        public void close(int code, String reason) {
            session.close(code, reason);
        }

        @Override
        public void abort() {
            // Interrupting the connection's reader closes its socket; the client needs no answer from a dropped peer.
            if (session instanceof ServerConnection serverConnection) {
                serverConnection.close(true);
            }
        }
    }
}
