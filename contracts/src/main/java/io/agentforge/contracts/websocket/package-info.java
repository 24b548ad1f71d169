/**
 * Live updates to clients: the messages on the socket, connection information, and the
 * {@link io.agentforge.contracts.websocket.WebSocketService} that other services ask about connections.
 */
package io.agentforge.contracts.websocket;
