package io.agentforge.platform.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {
    private final Credentials credentials = new Credentials(Tokens.settings(List.of()));

    @Test
    void apiKeysAreKnownByTheirHashAndCarryTheirRole() {
        assertThat(credentials.identify(Tokens.OPERATOR_KEY)).contains(new Caller("ci", Role.OPERATOR));
        assertThat(credentials.identify(Tokens.ADMIN_KEY)).contains(new Caller("ops", Role.ADMIN));
        assertThat(credentials.identify(Tokens.SERVICE_TOKEN)).contains(new Caller("service", Role.SERVICE));
        assertThat(credentials.identify(Tokens.OPERATOR_KEY + "x")).isEmpty();
        assertThat(credentials.identify(Tokens.sha256Hex(Tokens.OPERATOR_KEY))).as("the hash is not the key").isEmpty();
        assertThat(credentials.identify("")).isEmpty();
    }

    @Test
    void hs256TokensGiveTheirSubjectAndHighestRole() {
        assertThat(credentials.identify(Tokens.hs256("alice", "operator", claims -> claims)))
                .contains(new Caller("alice", Role.OPERATOR));
        assertThat(credentials.identify(Tokens.hs256("bob", "nobody", claims -> claims.claim("roles",
                List.of("viewer", "admin"))))).contains(new Caller("bob", Role.ADMIN));
    }

    @Test
    void refusesExpiredUnexpiringFutureRolelessServiceAndForgedTokens() {
        var anHourAgo = Date.from(Instant.now().minus(Duration.ofHours(1)));
        assertThat(credentials.identify(Tokens.hs256("a", "admin", claims -> claims.expirationTime(anHourAgo)))).isEmpty();
        assertThat(credentials.identify(Tokens.hs256("a", "admin", claims -> claims.expirationTime(null)))).isEmpty();
        assertThat(credentials.identify(Tokens.hs256("a", "admin", claims -> claims.notBeforeTime(
                Date.from(Instant.now().plus(Duration.ofHours(1))))))).isEmpty();
        assertThat(credentials.identify(Tokens.hs256("a", null, claims -> claims))).isEmpty();
        assertThat(credentials.identify(Tokens.hs256("a", "service", claims -> claims)))
                .as("service is not a role a token can grant").isEmpty();
        var token = Tokens.hs256("a", "viewer", claims -> claims);
        var parts = token.split("\\.");
        var elevated = new String(Base64.getUrlDecoder().decode(parts[1])).replace("viewer", "admin");
        assertThat(credentials.identify(parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(elevated.getBytes()) + "." + parts[2])).as("payload changed after signing").isEmpty();
        var unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".";
        assertThat(credentials.identify(unsigned)).as("alg none").isEmpty();
    }

    @Test
    void rs256TokensAreCheckedWithThePublicKeyAndTheConfiguredIssuerAndAudience() {
        var keys = Tokens.rsaKeys();
        var settings = new JwtSettings(new JwtSettings.Rsa(Tokens.publicKey(keys)), Optional.empty(), Optional.empty());
        var rsa = new Credentials(Tokens.withJwt(settings));
        assertThat(rsa.identify(Tokens.rs256(keys, "carol", "viewer"))).contains(new Caller("carol", Role.VIEWER));
        assertThat(rsa.identify(Tokens.rs256(Tokens.rsaKeys(), "mallory", "admin"))).as("another key").isEmpty();
        assertThat(rsa.identify(Tokens.hs256("mallory", "admin", claims -> claims))).as("another algorithm").isEmpty();

        var strict = new Credentials(Tokens.withJwt(new JwtSettings(settings.key(), Optional.of("https://idp"),
                Optional.of("agent-forge"))));
        assertThat(strict.identify(Tokens.rs256(keys, "carol", "viewer"))).as("no issuer, no audience").isEmpty();
    }
}
