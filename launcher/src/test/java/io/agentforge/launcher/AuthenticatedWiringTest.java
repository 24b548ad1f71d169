package io.agentforge.launcher;

import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.security.Tokens;
import io.agentforge.platform.web.WebTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication on, services in two processes' worth of wiring: the API reaches the Model service over HTTP with
 * the service credential, while people's keys get nowhere on the Model service's port.
 */
class AuthenticatedWiringTest {
    private static final String KEYS = "[{\"name\": \"dashboard\", \"role\": \"viewer\", \"sha256\": \""
            + Tokens.sha256Hex(Tokens.VIEWER_KEY) + "\"}, {\"name\": \"ops\", \"role\": \"admin\", \"sha256\": \""
            + Tokens.sha256Hex(Tokens.ADMIN_KEY) + "\"}]";

    @TempDir
    Path dir;

    private AgentForgeConfig config(Path data, Map<String, String> more) {
        var env = new HashMap<>(Map.of(
                "API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0",
                "DATA_DIR", data.toString(), "STORAGE_PATH", data.resolve("models").toString(),
                "API_KEYS", KEYS, "SERVICE_TOKEN", Tokens.SERVICE_TOKEN));
        env.putAll(more);
        return AgentForgeConfig.fromEnvironment(env);
    }

    private static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential);
    }

    @Test
    void theApiReachesARemoteModelServiceWithTheServiceTokenWhilePeopleAreKeptOffItsPort() {
        try (var models = Wiring.start(config(dir.resolve("models-process"), Map.of()), List.of(ServiceName.MODELS))) {
            var modelsPort = models.servers().get(ServiceName.MODELS).port();
            var rest = config(dir.resolve("api-process"), Map.of("MODEL_SERVICE_URL", "http://localhost:" + modelsPort));
            try (var api = Wiring.start(rest, List.of(ServiceName.API, ServiceName.TRAINING))) {
                var apiClient = WebTestClient.of(api.servers().get(ServiceName.API).port());
                var modelsClient = WebTestClient.of(modelsPort);

                assertThat(apiClient.get("/models").status()).isEqualTo(401);
                var listed = apiClient.send("GET", "/models", bearer(Tokens.VIEWER_KEY), null);
                assertThat(listed.status()).as("the API's call to the Model service carried SERVICE_TOKEN: "
                        + listed.body()).isEqualTo(200);
                assertThat(apiClient.send("DELETE", "/models/123e4567-e89b-42d3-a456-426614174000",
                        bearer(Tokens.VIEWER_KEY), null).status()).isEqualTo(403);

                assertThat(modelsClient.get("/models").status()).isEqualTo(401);
                assertThat(modelsClient.send("GET", "/models", bearer(Tokens.ADMIN_KEY), null).status())
                        .as("an admin is a person, not a service").isEqualTo(403);
                assertThat(modelsClient.send("GET", "/models", bearer(Tokens.SERVICE_TOKEN), null).status())
                        .isEqualTo(200);
                assertThat(modelsClient.get("/health").status()).isEqualTo(200);
            }
        }
    }
}
