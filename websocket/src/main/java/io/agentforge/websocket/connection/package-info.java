/**
 * Open client connections: each with its own bounded outbox and single sender thread, its topic subscriptions
 * (buffering live messages while missed ones are replayed), and the registry that enforces the connection limit and
 * indexes subscribers by topic. Plain classes; the socket itself is behind {@link
 * io.agentforge.websocket.connection.ClientSocket}, so nothing here knows the web server.
 */
package io.agentforge.websocket.connection;
