package io.agentforge.engine.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The split a generated item belongs to, decided by a key that names what must not leak between splits (a problem's
 * operands, a question's phrasing) rather than by the example's tokens: two problems with the same operands in other
 * words land in the same split. 80% train, 10% select, 10% test, fixed for every run.
 */
public enum Split {
    TRAIN, SELECT, TEST;

    public static Split of(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            double unit = (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
            return unit < 0.8 ? TRAIN : unit < 0.9 ? SELECT : TEST;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
