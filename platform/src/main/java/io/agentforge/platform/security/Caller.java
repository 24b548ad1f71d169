package io.agentforge.platform.security;

/**
 * Who made a request, as the audit log names them: an API key's name, a token's subject, {@code service}, or
 * {@code anonymous} when authentication is off.
 */
public record Caller(String name, Role role) {
    /** Authentication is off: everyone may do everything, and the audit log says so. */
    public static final Caller ANONYMOUS = new Caller("anonymous", Role.SERVICE);
}
