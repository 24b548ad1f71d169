/**
 * The wire protocol of {@code /ws} (SPEC section 5): the requests a client may send, parsed into a sealed
 * {@link io.agentforge.websocket.protocol.ClientRequest}, and the JSON text of every message the server sends.
 * Depends only on the contracts.
 */
package io.agentforge.websocket.protocol;
