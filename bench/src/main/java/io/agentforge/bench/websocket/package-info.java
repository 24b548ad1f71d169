/**
 * The WebSocket service's benchmarks: {@link io.agentforge.bench.websocket.BenchServer} runs the real service (hub,
 * Helidon {@code /ws}, in-process bus) in its own process, and {@link io.agentforge.bench.websocket.LoadClient}
 * holds thousands of Netty WebSocket clients in another, measuring delivery from bus publish to client receive.
 */
package io.agentforge.bench.websocket;
