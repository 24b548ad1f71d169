package io.agentforge.platform.security;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One configured API key: only its SHA-256 is known to the server (from {@code API_KEYS}), so a leaked configuration
 * does not leak the key. Keys are long random strings, so a plain hash is enough; no password stretching needed.
 */
public record ApiKey(String name, Role role, byte[] sha256) {
    public ApiKey {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    /** Constant time: how long the comparison takes says nothing about how much of the hash matched. */
    boolean matches(byte[] presentedSha256) {
        return MessageDigest.isEqual(sha256, presentedSha256);
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + role.wireName() + ", sha256 " + HexFormat.of().formatHex(sha256, 0, 4) + "...]";
    }
}
