package io.agentforge.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The credential the services of one deployment present to each other ({@code SERVICE_TOKEN}). Kept as given, since
 * this process also sends it; it never appears in {@link #toString()}.
 */
public record ServiceToken(String value) {
    /** Short secrets can be guessed; 32 characters of a random string are not. */
    public static final int MINIMUM_LENGTH = 32;

    /** The value for an {@code Authorization} header. */
    public String authorization() {
        return "Bearer " + value;
    }

    byte[] sha256() {
        return hash(value);
    }

    @Override
    public String toString() {
        return "ServiceToken[***]";
    }

    static byte[] hash(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
