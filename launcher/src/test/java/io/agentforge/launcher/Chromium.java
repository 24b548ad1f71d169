package io.agentforge.launcher;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Debian's headless chromium driven through its chromedriver, both at fixed paths, so that Selenium Manager never
 * looks for (or downloads) a browser or driver. Without them a test aborts with the reason; on CI ({@code CI=true})
 * it fails instead, so that a suite that ran no browser test cannot pass.
 */
final class Chromium {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    static void require() {
        var missing = !Files.isExecutable(BROWSER) ? BROWSER : !Files.isExecutable(DRIVER) ? DRIVER : null;
        if (missing == null) {
            return;
        }
        var reason = missing + " is missing: install Debian's chromium and chromium-driver"
                + " (apt-get install -y chromium chromium-driver; .ci/run does)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    /** A fresh headless browser with its own profile directory, 1280x800, its console log kept. */
    static ChromeDriver start(Path profile) {
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        var options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1280,800", "--user-data-dir=" + profile.toAbsolutePath());
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
