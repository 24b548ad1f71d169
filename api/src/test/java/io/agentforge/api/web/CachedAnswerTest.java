package io.agentforge.api.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CachedAnswerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "gzip                  | true",
            "GZIP                  | true",
            "gzip, deflate, br     | true",
            "br;q=1.0, gzip;q=0.5  | true",
            "x-gzip                | true",
            "*                     | true",
            "identity              | false",
            "deflate, br           | false",
            "gzip;q=0              | false",
            "gzip; q=0.000         | false",
            "*, gzip;q=0           | false",
            "*;q=0                 | false",
            "''                    | false",
            "NULL                  | false",
    })
    void acceptEncodingIsReadAsRfc9110Says(String header, boolean accepted) {
        assertThat(CachedAnswer.acceptsGzip(header)).isEqualTo(accepted);
    }

    @Test
    void theEnvelopeCarriesTheDataAndTheTimeItWasRead() throws IOException {
        var readAt = Instant.parse("2026-11-27T04:00:00.123Z");

        var answer = CachedAnswer.of("{\"items\":[1,2]}".getBytes(StandardCharsets.UTF_8), readAt);

        var envelope = Json.mapper().readTree(answer.json());
        assertThat(envelope.get("success").asBoolean()).isTrue();
        assertThat(envelope.get("data").get("items").size()).isEqualTo(2);
        assertThat(envelope.get("timestamp").asText()).isEqualTo("2026-11-27T04:00:00.123Z");
        assertThat(envelope.has("error")).isTrue();
        assertThat(answer.gzip()).as("too small to compress").isNull();
    }

    @Test
    void aLargeAnswerIsAlsoKeptGzipped() throws IOException {
        var data = ("{\"items\":[" + "{\"name\":\"cognate-model\",\"phase\":\"cognate\"},".repeat(100)
                + "{}]}").getBytes(StandardCharsets.UTF_8);

        var answer = CachedAnswer.of(data, Instant.now());

        assertThat(answer.gzip()).isNotNull();
        var unzipped = new GZIPInputStream(new ByteArrayInputStream(answer.gzip())).readAllBytes();
        assertThat(unzipped).isEqualTo(answer.json());
        JsonNode envelope = Json.mapper().readTree(unzipped);
        assertThat(envelope.get("data").get("items").size()).isEqualTo(101);
    }
}
