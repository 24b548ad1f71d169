package io.agentforge.platform.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.Tokens;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The frame's access filter on a real server: credentials, roles, origins, the audit log. */
class AccessTest {
    private static final String ALLOWED_ORIGIN = "https://forge.example.com";

    private final AtomicInteger changes = new AtomicInteger();
    private ServiceServer server;

    /** A read, a change an operator may make, an admin's delete, and the pipeline reset (admin too). */
    private final class Routes implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            rules.get("/things", (req, res) -> Exchange.ok(res, List.of("a")))
                    .post("/things", (req, res) -> {
                        changes.incrementAndGet();
                        Exchange.created(res, Exchange.body(req, Map.class));
                    })
                    .delete("/things/{id}", (req, res) -> Exchange.ok(res, Map.of("deleted", true)))
                    .post("/pipeline/reset", (req, res) -> Exchange.ok(res, Map.of("reset", true)));
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private WebTestClient start(AccessControl access) {
        server = ServiceServer.builder("test").access(access).routes(new Routes()).build().start();
        return WebTestClient.of(server);
    }

    private static Map<String, String> bearer(String credential) {
        return Map.of("Authorization", "Bearer " + credential);
    }

    @Test
    void withAuthenticationOnEveryRouteButTheOpenOnesNeedsACredentialAndAnswers401InTheEnvelope() {
        var client = start(new AccessControl(Tokens.settings(List.of()), AccessRules.Audience.PEOPLE));

        var anonymous = client.get("/things");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("success").asBoolean()).isFalse();
        assertThat(anonymous.json().get("error").asText()).contains("authentication required");
        assertThat(anonymous.header("WWW-Authenticate")).contains("Bearer");
        assertThat(client.send("GET", "/things", bearer("not-a-key"), null).status()).isEqualTo(401);
        assertThat(client.get("/health").status()).isEqualTo(200);
        assertThat(client.get("/metrics").status()).isEqualTo(200);
        assertThat(client.send("GET", "/things", bearer(Tokens.VIEWER_KEY), null).status()).isEqualTo(200);
        assertThat(client.send("GET", "/things", Map.of("X-API-Key", Tokens.VIEWER_KEY), null).status()).isEqualTo(200);
    }

    @Test
    void rolesDecideWhatACallerMayDo() {
        var client = start(new AccessControl(Tokens.settings(List.of()), AccessRules.Audience.PEOPLE));

        var viewerPost = client.send("POST", "/things", bearer(Tokens.VIEWER_KEY), "{}");
        assertThat(viewerPost.status()).isEqualTo(403);
        assertThat(viewerPost.json().get("error").asText()).contains("needs the operator role").contains("dashboard has viewer");
        assertThat(changes).hasValue(0);
        assertThat(client.send("POST", "/things", bearer(Tokens.OPERATOR_KEY), "{}").status()).isEqualTo(201);
        assertThat(client.send("DELETE", "/things/1", bearer(Tokens.OPERATOR_KEY), null).status()).isEqualTo(403);
        assertThat(client.send("POST", "/pipeline/reset", bearer(Tokens.OPERATOR_KEY), null).status()).isEqualTo(403);
        assertThat(client.send("DELETE", "/things/1", bearer(Tokens.ADMIN_KEY), null).status()).isEqualTo(200);
        assertThat(client.send("POST", "/pipeline/reset", bearer(Tokens.ADMIN_KEY), null).status()).isEqualTo(200);
        var jwt = Tokens.hs256("alice", "operator", claims -> claims);
        assertThat(client.send("POST", "/things", bearer(jwt), "{}").status()).isEqualTo(201);
        assertThat(client.send("POST", "/things", bearer(Tokens.SERVICE_TOKEN), "{}").status()).isEqualTo(201);
    }

    @Test
    void anInternalServiceAcceptsOnlyTheServiceCredential() {
        var client = start(new AccessControl(Tokens.settings(List.of()), AccessRules.Audience.SERVICES));

        var admin = client.send("GET", "/things", bearer(Tokens.ADMIN_KEY), null);
        assertThat(admin.status()).isEqualTo(403);
        assertThat(admin.json().get("error").asText()).contains("only the other Agent Forge services");
        assertThat(client.send("GET", "/things", bearer(Tokens.SERVICE_TOKEN), null).status()).isEqualTo(200);
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void everyChangeLeavesAnAuditLineWithWhoWhatStatusAndTraceId() {
        var audit = (Logger) LoggerFactory.getLogger("io.agentforge.audit");
        var lines = new ListAppender<ILoggingEvent>();
        lines.start();
        audit.addAppender(lines);
        try {
            var client = start(new AccessControl(Tokens.settings(List.of()), AccessRules.Audience.PEOPLE));
            client.send("POST", "/things", bearer(Tokens.OPERATOR_KEY), "{}");
            client.send("DELETE", "/things/7", bearer(Tokens.VIEWER_KEY), null);
            client.send("GET", "/things", bearer(Tokens.VIEWER_KEY), null);

            // The line is written once the answer is out; the client may have it a moment earlier.
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.size() >= 2);
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                    created -> assertThat(created).contains("who=ci (operator)", "what=\"POST /things\"", "status=201")
                            .containsPattern("trace_id=[0-9a-f]{32}"),
                    refused -> assertThat(refused).contains("who=anonymous", "what=\"DELETE /things/7\"", "status=403"));
        } finally {
            audit.detachAppender(lines);
        }
    }

    @Test
    void aCrossSiteTextPlainPostIsRefusedBeforeTheRouteRunsEvenWithoutAuthentication() {
        var client = start(AccessControl.local(List.of(ALLOWED_ORIGIN), AccessRules.Audience.SERVICES));

        var crossSite = client.send("POST", "/things", Map.of("Origin", "http://evil.example",
                "Content-Type", "text/plain"), "{\"job\":1}");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.json().get("error").asText()).contains("origin http://evil.example may not call");
        assertThat(client.send("POST", "/things", Map.of("Origin", "null", "Content-Type", "text/plain"), "{}").status())
                .as("sandboxed pages send Origin: null").isEqualTo(403);
        assertThat(changes).hasValue(0);
        assertThat(client.send("POST", "/things", Map.of("Origin", ALLOWED_ORIGIN), "{}").status()).isEqualTo(201);
        assertThat(client.send("POST", "/things", Map.of("Origin", "http://localhost:5173"), "{}").status())
                .as("a page of this machine, to a server of this machine").isEqualTo(201);
        assertThat(client.send("POST", "/things", Map.of(), "{}").status()).as("no browser, no Origin").isEqualTo(201);
    }

    @Test
    void theHostHeaderEarnsNoTrust() throws IOException {
        start(AccessControl.local(List.of(), AccessRules.Audience.PEOPLE));

        // A page of evil.example whose DNS name now points at 127.0.0.1 sends its own name as Origin and as Host.
        var rebound = raw("POST /things HTTP/1.1\r\nHost: evil.example:" + server.port() + "\r\nOrigin: http://evil.example:"
                + server.port() + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(rebound).startsWith("HTTP/1.1 403");
        var readByName = raw("GET /things HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertThat(readByName).startsWith("HTTP/1.1 403").contains("call it as localhost or by IP address");
        assertThat(changes).hasValue(0);
    }

    @Test
    void jsonBodiesAreLimitedToOneMebibyteEvenOnAServerThatTakesLargeUploads() {
        server = ServiceServer.builder("uploads").maxPayloadSize(16L * 1024 * 1024).routes(new Routes()).build().start();
        var client = WebTestClient.of(server);
        var big = "{\"a\":\"" + "x".repeat(Exchange.MAX_JSON_BYTES) + "\"}";

        var tooLarge = client.post("/things", big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("error").asText()).contains("JSON body exceeds the limit of 1048576 bytes");
        assertThat(changes).hasValue(1).as("the route ran, and refused to read more than the limit");
    }

    @Test
    void aServerWithoutAnExplicitLimitRefusesBodiesOverOneMebibyte() {
        var client = start(AccessControl.local(List.of(), AccessRules.Audience.PEOPLE));
        var tooLarge = client.post("/things", "{\"a\":\"" + "x".repeat(Exchange.MAX_JSON_BYTES) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("success").asBoolean()).isFalse();
        assertThat(changes).hasValue(0);
    }

    @Test
    void aJsonNullBodyIsA400NamingTheBody() {
        var client = start(AccessControl.local(List.of(), AccessRules.Audience.PEOPLE));
        var nullBody = client.post("/things", "null");
        assertThat(nullBody.status()).isEqualTo(400);
        assertThat(nullBody.json().get("data").get("field").asText()).isEqualTo("body");
    }

    /** One request over a plain socket (the JDK's client will not send a Host header of our choosing): the answer's head and body. */
    private String raw(String request) throws IOException {
        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            var length = head.toString().lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                    .map(line -> Integer.parseInt(line.substring(15).trim())).findFirst().orElse(0);
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }
}
