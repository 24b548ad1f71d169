package io.agentforge.api.web;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.staticcontent.StaticContentService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The browsable docs page at {@code /docs}: Swagger UI from the webjar on the classpath, served by this service (no
 * CDN, so the page works offline and behind a firewall), pointed at our own {@code /openapi.json}.
 */
final class SwaggerUi {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

    private final String page;
    private final StaticContentService assets;

    SwaggerUi(String title) {
        this.page = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>%s</title>
                  <link rel="stylesheet" href="/docs/swagger-ui.css">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="/docs/swagger-ui-bundle.js"></script>
                  <script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
                </body>
                </html>
                """.formatted(title);
        this.assets = StaticContentService.builder(WEBJAR + version()).build();
    }

    void register(HttpRules rules) {
        rules.get("/docs", (req, res) -> {
            res.header(HeaderValues.create("Content-Type", "text/html; charset=utf-8"));
            res.send(page.getBytes(StandardCharsets.UTF_8));
        });
        rules.register("/docs", assets);
    }

    /** The webjar's own version, so that upgrading the dependency needs no code change. */
    private static String version() {
        var properties = new Properties();
        try (var in = SwaggerUi.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }
}
