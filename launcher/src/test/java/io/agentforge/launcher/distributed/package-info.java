/**
 * The end-to-end test of distributed mode: each service in a JVM of its own, started by the launcher's {@code Main}
 * and configured only by environment variables, on a real Redis and a real PostgreSQL, driven over HTTP and WebSocket
 * as a client would.
 */
package io.agentforge.launcher.distributed;
