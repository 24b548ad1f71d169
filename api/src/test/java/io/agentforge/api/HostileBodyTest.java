package io.agentforge.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.api.testing.ApiClient;
import io.agentforge.contracts.testing.JobLedger;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.platform.bus.InProcessEventBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies a fuzzer found answering 500 (NullPointerException): each is now a 400 that names the field. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBodyTest {
    @TempDir
    static Path storage;
    private InProcessEventBus bus;
    private JobLedger training;
    private ApiService api;
    private ApiClient client;

    @BeforeAll
    void start() {
        bus = new InProcessEventBus();
        training = new JobLedger(bus, EnumSet.of(ModelPhase.COGNATE));
        api = new ApiService(new ApiServiceConfig(0, List.of()), training, new ModelShelf(storage), bus, List.of(),
                List.of()).start();
        client = new ApiClient(api.port());
    }

    @AfterAll
    void stop() {
        api.close();
        bus.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/chat                 | null                                  | body",
            "/models/export        | null                                  | body",
            "/pipeline/run         | null                                  | body",
            "/phases/cognate/start | null                                  | body",
            "/pipeline/run         | {\"parameters\": {\"max_steps\": null}} | parameters.max_steps",
            "/phases/cognate/start | {\"parameters\": {\"seed\": null}}      | parameters.seed",
    })
    void aNullWhereAValueBelongsIsA400NamingTheField(String path, String body, String field) throws IOException {
        var reply = client.raw(client.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        JsonNode envelope = Json.mapper().readTree(reply.body());
        assertThat(reply.statusCode()).as(new String(reply.body())).isEqualTo(400);
        assertThat(envelope.get("success").asBoolean()).isFalse();
        assertThat(envelope.get("data").get("field").asText()).isEqualTo(field);
        assertThat(training.all()).isEmpty();
    }
}
