package io.agentforge.platform.security;

import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * How bearer tokens are checked: signed with an HS256 secret ({@code JWT_HS256_SECRET}) or an RS256 key pair whose
 * public half is {@code JWT_RS256_PUBLIC_KEY}; optionally their issuer and audience must match.
 */
public record JwtSettings(Key key, Optional<String> issuer, Optional<String> audience) {

    /** The verification key; the algorithm follows from it, a token that names another one is refused. */
    public sealed interface Key {
    }

    /** A shared secret of at least 32 bytes (HS256 needs 256 bits). */
    public record Hmac(byte[] secret) implements Key {
        public Hmac {
            secret = secret.clone();
        }

        @Override
        public String toString() {
            return "Hmac[***]";
        }
    }

    public record Rsa(RSAPublicKey publicKey) implements Key {
    }
}
