package io.agentforge.launcher.config;

import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.security.Role;
import io.agentforge.platform.security.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The security variables: parsed once, malformed values fail start-up by name, secrets never echoed. */
class SecurityConfigTest {
    private static final String KEYS = "[{\"name\": \"ci\", \"role\": \"operator\", \"sha256\": \""
            + Tokens.sha256Hex(Tokens.OPERATOR_KEY) + "\"}]";

    private static AgentForgeConfig parse(Map<String, String> environment) {
        return AgentForgeConfig.fromEnvironment(environment);
    }

    private static ConfigException failure(Map<String, String> environment) {
        return catchThrowableOfType(ConfigException.class, () -> parse(environment));
    }

    @Test
    void theDefaultsListenOnLoopbackWithoutAuthentication() {
        var security = AgentForgeConfig.defaults().security();
        assertThat(security.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(security.boundToLoopback()).isTrue();
        assertThat(security.enabled()).isFalse();
        AgentForgeConfig.defaults().requireSafeExposure(List.of(ServiceName.values()));
    }

    @Test
    void apiKeysJwtAndServiceTokenAreRead() {
        var publicKey = Base64.getEncoder().encodeToString(Tokens.rsaKeys().getPublic().getEncoded());
        var security = parse(Map.of("API_KEYS", KEYS, "SERVICE_TOKEN", Tokens.SERVICE_TOKEN,
                "JWT_RS256_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\\n" + publicKey + "\\n-----END PUBLIC KEY-----",
                "JWT_ISSUER", "https://idp", "BIND_ADDRESS", "0.0.0.0")).security();
        assertThat(security.enabled()).isTrue();
        assertThat(security.apiKeys()).singleElement().satisfies(key -> {
            assertThat(key.name()).isEqualTo("ci");
            assertThat(key.role()).isEqualTo(Role.OPERATOR);
        });
        assertThat(security.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.issuer()).contains("https://idp"));
        assertThat(security.toString()).doesNotContain(Tokens.SERVICE_TOKEN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "API_KEYS             | {\"name\": \"ci\"}",
            "API_KEYS             | [{\"name\": \"ci\", \"role\": \"root\", \"sha256\": \"00\"}]",
            "JWT_HS256_SECRET     | too-short-secret",
            "JWT_RS256_PUBLIC_KEY | -----BEGIN PUBLIC KEY-----abc-----END PUBLIC KEY-----",
            "SERVICE_TOKEN        | short-token",
            "AUTH_DISABLED        | maybe",
            "BIND_ADDRESS         | 0.0.0.0/0",
    })
    void aMalformedValueFailsStartUpNamingTheVariableWithoutEchoingSecrets(String variable, String value) {
        var thrown = failure(Map.of(variable, value));
        assertThat(thrown.problems()).extracting(ConfigException.Problem::variable).containsExactly(variable);
        if (variable.startsWith("JWT") || variable.equals("SERVICE_TOKEN")) {
            assertThat(thrown.getMessage()).doesNotContain(value);
        }
    }

    @Test
    void listeningBeyondThisMachineWithoutAuthenticationRefusesToStartNamingWhatToSet() {
        var exposed = parse(Map.of("BIND_ADDRESS", "0.0.0.0"));
        var thrown = catchThrowableOfType(ConfigException.class,
                () -> exposed.requireSafeExposure(List.of(ServiceName.values())));
        assertThat(thrown.problems()).extracting(ConfigException.Problem::variable).containsExactly("API_KEYS");
        assertThat(thrown.getMessage()).contains("JWT_HS256_SECRET").contains("AUTH_DISABLED=true");

        parse(Map.of("BIND_ADDRESS", "0.0.0.0", "AUTH_DISABLED", "true")).requireSafeExposure(List.of(ServiceName.values()));
        parse(Map.of("BIND_ADDRESS", "0.0.0.0", "API_KEYS", KEYS)).requireSafeExposure(List.of(ServiceName.values()));
    }

    @Test
    void servicesInSeveralProcessesWithAuthenticationNeedTheServiceToken() {
        var environment = new HashMap<>(Map.of("BIND_ADDRESS", "0.0.0.0", "API_KEYS", KEYS));
        var thrown = catchThrowableOfType(ConfigException.class,
                () -> parse(environment).requireSafeExposure(List.of(ServiceName.TRAINING)));
        assertThat(thrown.problems()).extracting(ConfigException.Problem::variable).containsExactly("SERVICE_TOKEN");

        environment.put("SERVICE_TOKEN", Tokens.SERVICE_TOKEN);
        parse(environment).requireSafeExposure(List.of(ServiceName.TRAINING));
    }
}
