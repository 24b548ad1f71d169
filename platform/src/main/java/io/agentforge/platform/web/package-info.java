/**
 * The web server frame every service shares: {@link io.agentforge.platform.web.ServiceServer} (Helidon SE with
 * {@code /health}, Prometheus {@code /metrics} and per-route request metrics), {@link io.agentforge.platform.web.Exchange}
 * for ten-line handlers, and {@link io.agentforge.platform.web.ErrorMapping}, the one place where failures become
 * statuses in the {@code ApiResponse} envelope. Services build their servers with it; it depends on contracts and health.
 */
package io.agentforge.platform.web;
