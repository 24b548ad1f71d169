package io.agentforge.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Tells who presented a secret: an API key (by its hash, compared in constant time against every configured key), the
 * service credential, or a JWT (signature, expiry, not-before, issuer and audience checked; the role from its
 * {@code role} or {@code roles} claim). Anything else is nobody.
 */
public final class Credentials {
    /** Clocks of the token issuer and this server may disagree by this much. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final List<ApiKey> apiKeys;
    private final Optional<byte[]> serviceTokenHash;
    private final Optional<JwtSettings> jwt;
    private final Clock clock;

    public Credentials(SecuritySettings settings) {
        this(settings, Clock.systemUTC());
    }

    Credentials(SecuritySettings settings, Clock clock) {
        this.apiKeys = settings.apiKeys();
        this.serviceTokenHash = settings.serviceToken().map(ServiceToken::sha256);
        this.jwt = settings.jwt();
        this.clock = clock;
    }

    /** The caller the secret belongs to, if any. */
    public Optional<Caller> identify(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        var presented = ServiceToken.hash(secret);
        Caller found = null;
        // Every key is compared, found or not, so that the time taken does not tell which key was close.
        for (var key : apiKeys) {
            if (key.matches(presented) && found == null) {
                found = new Caller(key.name(), key.role());
            }
        }
        if (serviceTokenHash.isPresent() && MessageDigest.isEqual(serviceTokenHash.get(), presented)) {
            found = new Caller("service", Role.SERVICE);
        }
        if (found != null) {
            return Optional.of(found);
        }
        return jwt.flatMap(settings -> verify(settings, secret));
    }

    private Optional<Caller> verify(JwtSettings settings, String token) {
        try {
            var signed = SignedJWT.parse(token);
            var verifier = verifier(settings.key(), signed.getHeader().getAlgorithm());
            if (verifier.isEmpty() || !signed.verify(verifier.get())) {
                return Optional.empty();
            }
            var claims = signed.getJWTClaimsSet();
            if (!current(claims) || !issuedFor(settings, claims)) {
                return Optional.empty();
            }
            return role(claims).map(role -> new Caller(claims.getSubject() == null ? "jwt" : claims.getSubject(), role));
        } catch (ParseException | JOSEException | RuntimeException e) {
            // A malformed token is nobody's, whatever the library found wrong with it.
            return Optional.empty();
        }
    }

    /** The algorithm follows from the configured key: a token that names another one (e.g. "none") is refused. */
    private static Optional<JWSVerifier> verifier(JwtSettings.Key key, JWSAlgorithm algorithm) throws JOSEException {
        return switch (key) {
            case JwtSettings.Hmac hmac -> JWSAlgorithm.HS256.equals(algorithm)
                    ? Optional.of(new MACVerifier(hmac.secret())) : Optional.empty();
            case JwtSettings.Rsa rsa -> JWSAlgorithm.RS256.equals(algorithm)
                    ? Optional.of(new RSASSAVerifier(rsa.publicKey())) : Optional.empty();
        };
    }

    /** A token must expire; one without {@code exp} would be valid for ever once leaked. */
    private boolean current(JWTClaimsSet claims) {
        var now = clock.instant();
        var expires = claims.getExpirationTime();
        Date notBefore = claims.getNotBeforeTime();
        return expires != null && now.isBefore(expires.toInstant().plus(CLOCK_SKEW))
                && (notBefore == null || !now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant()));
    }

    private static boolean issuedFor(JwtSettings settings, JWTClaimsSet claims) {
        return settings.issuer().map(issuer -> issuer.equals(claims.getIssuer())).orElse(true)
                && settings.audience().map(audience -> claims.getAudience() != null
                && claims.getAudience().contains(audience)).orElse(true);
    }

    /** The highest user role the token names in {@code role} (a string) or {@code roles} (a list). */
    private static Optional<Role> role(JWTClaimsSet claims) throws ParseException {
        var names = new ArrayList<String>();
        if (claims.getClaim("role") instanceof String single) {
            names.add(single);
        }
        if (claims.getClaim("roles") instanceof List<?>) {
            names.addAll(claims.getStringListClaim("roles"));
        }
        return names.stream().flatMap(name -> Role.parseUserRole(name).stream()).max(Comparator.naturalOrder());
    }
}
