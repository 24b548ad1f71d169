package io.agentforge.contracts.websocket;

import io.agentforge.contracts.monitoring.Service;

import java.util.List;

/**
 * The WebSocket service as other services see it: who is connected and how much flows. Messages reach clients
 * through the event bus, not through this interface.
 */
public interface WebSocketService extends Service {
    ConnectionStats stats();

    List<ConnectionInfo> connections();
}
