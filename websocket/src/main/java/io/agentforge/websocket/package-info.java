/**
 * The WebSocket service (port 8003): client connections on /ws, topic subscriptions and the fan-out of bus events.
 * Depends on the contracts and the platform, never on another service.
 */
package io.agentforge.websocket;
