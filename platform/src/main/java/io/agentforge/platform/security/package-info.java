/**
 * Who may call what: callers authenticated by API key, JWT bearer token or the service credential, their
 * {@link io.agentforge.platform.security.Role}, the rules that say which role a route needs, and the origin rules for
 * browsers. Plain Java without HTTP types, so the web frame and the WebSocket upgrade share one decision; the web frame
 * depends on this package, never the reverse.
 */
package io.agentforge.platform.security;
