package io.agentforge.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Credentials for tests: API keys with known secrets, and JWTs signed the way an identity provider would. */
public final class Tokens {
    public static final String HMAC_SECRET = "a-test-secret-of-more-than-32-bytes-for-hs256";
    public static final String SERVICE_TOKEN = "service-token-for-tests-0123456789abcdef";
    public static final String VIEWER_KEY = "viewer-key-0123456789";
    public static final String OPERATOR_KEY = "operator-key-0123456789";
    public static final String ADMIN_KEY = "admin-key-0123456789";

    private Tokens() {
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(ServiceToken.hash(key));
    }

    /** A viewer, an operator and an admin key, an HS256 secret and the service token; bound to 127.0.0.1. */
    public static SecuritySettings settings(List<String> corsOrigins) {
        return new SecuritySettings(SecuritySettings.LOOPBACK, false, List.of(
                new ApiKey("dashboard", Role.VIEWER, ServiceToken.hash(VIEWER_KEY)),
                new ApiKey("ci", Role.OPERATOR, ServiceToken.hash(OPERATOR_KEY)),
                new ApiKey("ops", Role.ADMIN, ServiceToken.hash(ADMIN_KEY))),
                Optional.of(new JwtSettings(new JwtSettings.Hmac(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)),
                        Optional.empty(), Optional.empty())),
                Optional.of(new ServiceToken(SERVICE_TOKEN)), corsOrigins);
    }

    public static SecuritySettings withJwt(JwtSettings jwt) {
        return new SecuritySettings(SecuritySettings.LOOPBACK, false, List.of(), Optional.of(jwt), Optional.empty(),
                List.of());
    }

    /** An HS256 token for the subject with the role, valid for an hour; {@code claims} may change anything. */
    public static String hs256(String subject, String role, UnaryOperator<JWTClaimsSet.Builder> claims) {
        try {
            return sign(new MACSigner(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, subject, role,
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(KeyPair keys, String subject, String role) {
        return sign(new RSASSASigner(keys.getPrivate()), JWSAlgorithm.RS256, subject, role, UnaryOperator.identity());
    }

    public static KeyPair rsaKeys() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RSAPublicKey publicKey(KeyPair keys) {
        return (RSAPublicKey) keys.getPublic();
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String subject, String role,
                               UnaryOperator<JWTClaimsSet.Builder> claims) {
        var builder = new JWTClaimsSet.Builder().subject(subject).claim("role", role)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
        var jwt = new SignedJWT(new JWSHeader(algorithm), claims.apply(builder).build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
