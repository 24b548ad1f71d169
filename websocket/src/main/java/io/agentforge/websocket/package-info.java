/**
 * The WebSocket service (port 8003): {@link io.agentforge.websocket.WebSocketHub} holds the logic (connections,
 * requests, fan-out of bus events, resume, heartbeat, stats) as a plain class; the web layer is
 * {@link io.agentforge.websocket.WebSocketRoutes} ({@code /ws}, {@code /stats}) with one
 * {@link io.agentforge.websocket.WebSocketEndpoint} per connection. Depends on the contracts and the platform, never
 * on another service.
 */
package io.agentforge.websocket;
