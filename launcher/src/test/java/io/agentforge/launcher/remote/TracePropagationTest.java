package io.agentforge.launcher.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import io.agentforge.platform.web.Exchange;
import io.agentforge.platform.web.ServiceServer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real services: A's handler calls B through the {@link ServiceClient} that services use for each other. One
 * trace id must run from the caller of A through to B's handler and its log MDC.
 */
class TracePropagationTest {
    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };

    private ServiceServer serviceB;
    private ServiceServer serviceA;

    @BeforeEach
    void startServices() {
        HttpService whoAmI = rules -> rules.get("/seen", (req, res) -> {
            var seen = new LinkedHashMap<String, String>();
            seen.put("traceparent", req.headers().first(HeaderNames.create(Trace.HEADER)).orElse("none"));
            seen.put("trace_id", Trace.current().map(TraceContext::traceId).orElse("none"));
            seen.put("mdc_trace_id", String.valueOf(MDC.get(Trace.MDC_KEY)));
            Exchange.ok(res, seen);
        });
        serviceB = ServiceServer.builder("b").routes(whoAmI).build().start();
        var client = new ServiceClient("b", URI.create("http://localhost:" + serviceB.port()),
                ServiceClient.Settings.defaults());
        HttpService relay = rules -> rules.get("/relay", (req, res) -> {
            var seen = new LinkedHashMap<>(client.get("/seen", MAP));
            seen.put("a_trace_id", Trace.current().map(TraceContext::traceId).orElse("none"));
            seen.put("a_mdc_trace_id", String.valueOf(MDC.get(Trace.MDC_KEY)));
            Exchange.ok(res, seen);
        });
        serviceA = ServiceServer.builder("a").routes(relay).build().start();
    }

    @AfterEach
    void stop() {
        serviceA.close();
        serviceB.close();
    }

    @Test
    void callersTraceReachesTheServiceCalledThroughServiceClient() throws Exception {
        var response = get(serviceA, "/relay", CALLER);
        var seen = Json.mapper().readTree(response.body()).get("data");

        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(seen.get("a_trace_id").asText()).isEqualTo(traceId);
        assertThat(seen.get("a_mdc_trace_id").asText()).isEqualTo(traceId);
        assertThat(seen.get("trace_id").asText()).isEqualTo(traceId);
        assertThat(seen.get("mdc_trace_id").asText()).isEqualTo(traceId);
        var sentToB = TraceContext.parse(seen.get("traceparent").asText()).orElseThrow();
        assertThat(sentToB.traceId()).isEqualTo(traceId);
        assertThat(sentToB.spanId()).as("a new span for the call").isNotEqualTo("00f067aa0ba902b7");

        var answered = TraceContext.parse(response.headers().firstValue(Trace.HEADER).orElseThrow()).orElseThrow();
        assertThat(answered.traceId()).isEqualTo(traceId);
    }

    @Test
    void requestWithoutOrWithAMalformedTraceparentStartsANewTrace() throws Exception {
        var none = get(serviceB, "/seen", null);
        var malformed = get(serviceB, "/seen", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");

        var first = TraceContext.parse(none.headers().firstValue(Trace.HEADER).orElseThrow()).orElseThrow();
        var second = TraceContext.parse(malformed.headers().firstValue(Trace.HEADER).orElseThrow()).orElseThrow();
        assertThat(first.traceId()).hasSize(32).isNotEqualTo(second.traceId());
        assertThat(none.body()).contains("\"trace_id\":\"" + first.traceId() + "\"");
        assertThat(Trace.current()).as("nothing leaks into the test's thread").isEmpty();
    }

    @Test
    void traceparentIsParsedAndWrittenAsW3cVersion00() {
        var context = TraceContext.parse(CALLER).orElseThrow();

        assertThat(context.traceparent()).isEqualTo(CALLER);
        assertThat(TraceContext.start().traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(TraceContext.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isEmpty();
        assertThat(TraceContext.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"))
                .map(TraceContext::traceId).contains("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    private static HttpResponse<String> get(ServiceServer server, String path, String traceparent) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path));
        if (traceparent != null) {
            request.header(Trace.HEADER, traceparent);
        }
        try (var http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
