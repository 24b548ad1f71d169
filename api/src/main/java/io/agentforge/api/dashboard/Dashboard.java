package io.agentforge.api.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.platform.web.Exchange;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The dashboard's routes. {@code GET /} answers the page when the client prefers HTML (a browser) and passes to the
 * JSON answer otherwise, so API clients see no change. {@code GET /dashboard/config} tells the page where the
 * WebSocket service listens; {@code POST /dashboard/latency} takes the step-to-pixel latencies a page measured and
 * adds them to a histogram on {@code /metrics}.
 */
public final class Dashboard implements HttpService {
    /** How many latencies one report may carry; a page reports every few seconds. */
    public static final int MAX_SAMPLES = 1_000;
    private static final double MAX_LATENCY_MS = 3_600_000;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";

    private final byte[] page;
    private final Supplier<WebSocketAddress> websocket;
    /** Our modules and stylesheet, and uPlot from its webjar: everything the page loads. */
    private static final List<String> OWN = List.of("app.js", "api.js", "dom.js", "live.js", "chart.js", "run.js",
            "pages.js", "bench.js", "style.css");

    private final Assets assets;
    private Timer stepToPixel;

    /** @param websocket where browsers reach the WebSocket service, asked at each page load */
    public Dashboard(Supplier<WebSocketAddress> websocket) {
        this.websocket = websocket;
        var files = new LinkedHashMap<String, String>();
        OWN.forEach(file -> files.put("/ui/" + file, "dashboard/" + file));
        var uplot = UPLOT + webjarVersion() + "/dist/";
        files.put("/ui/vendor/uplot/uPlot.iife.min.js", uplot + "uPlot.iife.min.js");
        files.put("/ui/vendor/uplot/uPlot.min.css", uplot + "uPlot.min.css");
        this.assets = new Assets(files);
        try (var in = Dashboard.class.getClassLoader().getResourceAsStream("dashboard/index.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard/index.html is missing from the classpath");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where the page opens its WebSocket: a full URL (distributed mode, from {@code WEBSOCKET_SERVICE_URL}), or a port
     * on the host the page was loaded from (all-in-one), or neither when this API does not know.
     */
    public record WebSocketAddress(URI url, Integer port) {
        public static WebSocketAddress unknown() {
            return new WebSocketAddress(null, null);
        }

        /** The {@code ws://} or {@code wss://} address of the {@code /ws} endpoint of a service's HTTP base URL. */
        public static WebSocketAddress of(URI serviceUrl) {
            var scheme = "https".equals(serviceUrl.getScheme()) ? "wss" : "ws";
            var path = serviceUrl.getPath() == null ? "" : serviceUrl.getPath().replaceAll("/+$", "");
            return new WebSocketAddress(URI.create(scheme + "://" + serviceUrl.getAuthority() + path + "/ws"), null);
        }
    }

    /** The latency histogram on the service's {@code /metrics}. */
    public void bindMetrics(MeterRegistry registry) {
        stepToPixel = Timer.builder("agentforge.dashboard.step.to.pixel")
                .description("From a training step's event timestamp to the browser drawing it, as dashboards report")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::page)
                .get("/dashboard/config", this::config)
                .post("/dashboard/latency", this::latency)
                .get("/ui/*", assets::serve);
    }

    private void page(ServerRequest req, ServerResponse res) {
        if (!prefersHtml(req)) {
            res.next();
            return;
        }
        res.header(HeaderValues.create("Content-Type", "text/html; charset=utf-8"));
        res.header(HeaderValues.create("Cache-Control", "no-cache"));
        res.header(HeaderValues.create("Vary", "Accept"));
        res.send(page);
    }

    private void config(ServerRequest req, ServerResponse res) {
        var address = websocket.get();
        var data = new LinkedHashMap<String, Object>();
        data.put("websocket_url", address.url() == null ? null : address.url().toString());
        data.put("websocket_port", address.port());
        data.put("latency_report", "/dashboard/latency");
        Exchange.ok(res, data);
    }

    private void latency(ServerRequest req, ServerResponse res) {
        var samples = Exchange.body(req, JsonNode.class).get("samples_ms");
        if (samples == null || !samples.isArray() || samples.size() > MAX_SAMPLES) {
            throw new InvalidRequestException("samples_ms", "an array of at most " + MAX_SAMPLES
                    + " latencies in milliseconds", samples);
        }
        for (var sample : samples) {
            if (!sample.isNumber() || !(sample.asDouble() >= 0 && sample.asDouble() <= MAX_LATENCY_MS)) {
                throw new InvalidRequestException("samples_ms", "numbers from 0 to " + (long) MAX_LATENCY_MS, sample);
            }
        }
        if (stepToPixel != null) {
            samples.forEach(sample -> stepToPixel.record(Duration.ofNanos((long) (sample.asDouble() * 1e6))));
        }
        Exchange.ok(res, Map.of("recorded", samples.size()));
    }

    /** A browser lists text/html before any JSON type; curl's and clients' {@code *}/{@code *} is not a preference. */
    static boolean prefersHtml(ServerRequest req) {
        for (HttpMediaType type : req.headers().acceptedTypes()) {
            if (type.test(MediaTypes.TEXT_HTML) && !type.mediaType().isWildcardType()) {
                return true;
            }
            if (type.test(MediaTypes.APPLICATION_JSON) && !type.mediaType().isWildcardType()) {
                return false;
            }
        }
        return false;
    }

    private static String webjarVersion() {
        var properties = new Properties();
        try (var in = Dashboard.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uplot webjar is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
