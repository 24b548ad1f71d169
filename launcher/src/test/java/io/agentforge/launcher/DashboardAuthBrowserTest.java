package io.agentforge.launcher;

import io.agentforge.launcher.config.AgentForgeConfig;
import io.agentforge.platform.config.ServiceName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard against an API that wants a key: the page loads without one, asks once when the API answers 401,
 * keeps the key for the tab, and opens the WebSocket with it.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardAuthBrowserTest {
    private static final String KEY = "dashboard-browser-test-key-0123456789";

    @TempDir
    static Path data;
    private Wiring wiring;
    private ChromeDriver driver;
    private String base;

    @BeforeAll
    void start() throws Exception {
        Chromium.require();
        int apiPort;
        try (var socket = new ServerSocket(0)) {
            apiPort = socket.getLocalPort();
        }
        var hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(KEY.getBytes(StandardCharsets.UTF_8)));
        var config = AgentForgeConfig.fromEnvironment(Map.of(
                "API_SERVICE_PORT", String.valueOf(apiPort), "TRAINING_SERVICE_PORT", "0", "MODEL_SERVICE_PORT", "0",
                "WEBSOCKET_SERVICE_PORT", "0", "MONITORING_SERVICE_PORT", "0", "DATA_DIR", data.toString(),
                "STORAGE_PATH", data.resolve("models").toString(),
                "API_KEYS", "[{\"name\": \"browser\", \"role\": \"operator\", \"sha256\": \"" + hash + "\"}]"));
        wiring = Wiring.start(config, Wiring.allServices());
        base = "http://localhost:" + wiring.servers().get(ServiceName.API).port();
        driver = Chromium.start(data.resolve("chromium-profile"));
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (wiring != null) {
            wiring.close();
        }
    }

    @Test
    void asksForTheKeyOnceKeepsItForTheTabAndGoesLiveWithIt() {
        driver.get(base + "/?test=1#/runs");
        // No script may run while the prompt is open (WebDriver would dismiss it): only look for the prompt.
        await().atMost(Duration.ofSeconds(15)).until(this::promptOpen);
        var prompt = driver.switchTo().alert();
        assertThat(prompt.getText()).contains("API key");
        prompt.sendKeys(KEY);
        prompt.accept();

        await().atMost(Duration.ofSeconds(15)).until(() -> "live".equals(driver.executeScript(
                "return window.__forge && __forge.live ? __forge.live.state : ''")));
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("runs")).getText()
                .contains("No runs yet"));
        assertThat(driver.executeScript("return sessionStorage.getItem('agentforge.api_key')")).isEqualTo(KEY);

        // The tab keeps it: a reload asks nothing.
        driver.navigate().refresh();
        await().atMost(Duration.ofSeconds(15)).until(() -> !promptOpen() && "live".equals(driver.executeScript(
                "return window.__forge && __forge.live ? __forge.live.state : ''")));
        assertThat(promptOpen()).isFalse();
        assertThat(driver.executeScript("return __forge.errors")).asList().isEmpty();
    }

    private boolean promptOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }
}
