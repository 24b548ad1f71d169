package io.agentforge.launcher.config;

import io.agentforge.platform.config.LogFormat;
import io.agentforge.platform.config.ServiceName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentForgeConfigTest {

    private static AgentForgeConfig parse(String... keysAndValues) {
        var env = new java.util.HashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentForgeConfig.fromEnvironment(env);
    }

    private static String failureOf(String variable, String value) {
        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> parse(variable, value));
        assertThat(thrown).as("%s=%s must be rejected", variable, value).isNotNull();
        assertThat(thrown.problems()).extracting(ConfigException.Problem::variable).containsExactly(variable);
        return thrown.getMessage();
    }

    @Test
    void emptyEnvironmentGivesTheDefaultsOfTheSpec() {
        var config = AgentForgeConfig.defaults();

        assertThat(config.api().port()).isEqualTo(8000);
        assertThat(config.training().port()).isEqualTo(8001);
        assertThat(config.models().port()).isEqualTo(8002);
        assertThat(config.websocket().port()).isEqualTo(8003);
        assertThat(config.monitoring().port()).isEqualTo(8004);
        assertThat(config.training().maxConcurrentJobs()).isEqualTo(5);
        assertThat(config.training().cudaVisibleDevices()).isEmpty();
        assertThat(config.training().jobLease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.models().storagePath()).isEqualTo(Path.of("data", "models").toAbsolutePath());
        assertThat(config.models().maxFileSizeBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(config.websocket().maxConnections()).isEqualTo(1000);
        assertThat(config.websocket().pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.api().corsOrigins()).containsExactly("http://localhost:3000");
        assertThat(config.monitoring().checkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.monitoring().alertThresholds().cpu()).isEqualTo(0.8);
        assertThat(config.monitoring().alertThresholds().memory()).isEqualTo(0.9);
        assertThat(config.redisUrl()).isEmpty();
        assertThat(config.databaseUrl()).isEmpty();
        for (var service : ServiceName.values()) {
            assertThat(config.serviceUrls().of(service)).isEmpty();
        }
        assertThat(config.serviceName()).isEmpty();
        // Relative paths are resolved once, against the directory Agent Forge was started in.
        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(config.models().storagePath()).isEqualTo(Path.of("data", "models").toAbsolutePath());
    }

    @Test
    void everyVariableIsReadFromTheEnvironment() {
        var config = parse(
                "API_SERVICE_PORT", "9000", "TRAINING_SERVICE_PORT", "9001", "MODEL_SERVICE_PORT", "9002",
                "WEBSOCKET_SERVICE_PORT", "9003", "MONITORING_SERVICE_PORT", "9004",
                "MAX_CONCURRENT_JOBS", "2", "JOB_LEASE", "12", "CUDA_VISIBLE_DEVICES", "0, 1", "STORAGE_PATH", "/srv/models",
                "MAX_FILE_SIZE", "500MB", "MAX_CONNECTIONS", "10", "PING_INTERVAL", "5",
                "CORS_ORIGINS", "[\"https://forge.example.com\", \"http://localhost:5173/\"]",
                "CHECK_INTERVAL", "1.5", "ALERT_THRESHOLDS", "{\"cpu\": 0.5, \"disk\": 0.95}",
                "REDIS_URL", "redis://redis:6379/0", "DATABASE_URL", "postgresql://forge:secret@db:5432/forge",
                "TRAINING_SERVICE_URL", "http://training:8001/", "MODEL_SERVICE_URL", "https://models.internal",
                "WEBSOCKET_SERVICE_URL", "http://ws:8003", "MONITORING_SERVICE_URL", "http://monitoring:8004",
                "SERVICE_NAME", "training", "DATA_DIR", "/var/lib/agent-forge");

        assertThat(List.of(config.api().port(), config.training().port(), config.models().port(),
                config.websocket().port(), config.monitoring().port())).containsExactly(9000, 9001, 9002, 9003, 9004);
        assertThat(config.training().maxConcurrentJobs()).isEqualTo(2);
        assertThat(config.training().jobLease()).isEqualTo(Duration.ofSeconds(12));
        assertThat(config.training().cudaVisibleDevices()).contains(List.of("0", "1"));
        assertThat(config.models().storagePath()).isEqualTo(Path.of("/srv/models"));
        assertThat(config.models().maxFileSizeBytes()).isEqualTo(500L * 1024 * 1024);
        assertThat(config.websocket().maxConnections()).isEqualTo(10);
        assertThat(config.websocket().pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.api().corsOrigins()).containsExactly("https://forge.example.com", "http://localhost:5173");
        assertThat(config.monitoring().checkInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.monitoring().alertThresholds().cpu()).isEqualTo(0.5);
        assertThat(config.monitoring().alertThresholds().memory()).as("unset keys keep their default").isEqualTo(0.9);
        assertThat(config.monitoring().alertThresholds().of("disk")).hasValue(0.95);
        assertThat(config.redisUrl()).contains("redis://redis:6379/0");
        assertThat(config.databaseUrl()).contains("postgresql://forge:secret@db:5432/forge");
        assertThat(config.serviceUrls().of(ServiceName.TRAINING)).contains(URI.create("http://training:8001"));
        assertThat(config.serviceUrls().of(ServiceName.MODELS)).contains(URI.create("https://models.internal"));
        assertThat(config.serviceUrls().of(ServiceName.WEBSOCKET)).contains(URI.create("http://ws:8003"));
        assertThat(config.serviceUrls().of(ServiceName.MONITORING)).contains(URI.create("http://monitoring:8004"));
        assertThat(config.serviceName()).contains(ServiceName.TRAINING);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/agent-forge"));
    }

    @Test
    void theThreeExamplesOfTheIssueNameTheVariableAndTheExpectedForm() {
        assertThat(failureOf("MAX_CONCURRENT_JOBS", "abc"))
                .isEqualTo("MAX_CONCURRENT_JOBS: expected a positive integer, got \"abc\"");
        assertThat(failureOf("ALERT_THRESHOLDS", "{bad"))
                .startsWith("ALERT_THRESHOLDS: expected a JSON object of numbers from 0 to 1")
                .endsWith("got \"{bad\"");
        assertThat(failureOf("MAX_FILE_SIZE", "1XB"))
                .isEqualTo("MAX_FILE_SIZE: expected a size such as 1GB, 500MB, 64KB or a number of bytes, got \"1XB\"");
    }

    @Test
    void aJobLeaseThatTheTwoSecondRenewalCouldNotKeepIsRefused() {
        assertThat(failureOf("JOB_LEASE", "3"))
                .isEqualTo("JOB_LEASE: expected a number of seconds of at least 5 (leases are renewed every 2 s), got \"3\"");
        assertThat(failureOf("JOB_LEASE", "soon")).isEqualTo("JOB_LEASE: expected a positive number of seconds such as 30, got \"soon\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "API_SERVICE_PORT        | 80a",
            "TRAINING_SERVICE_PORT   | 65536",
            "MODEL_SERVICE_PORT      | -1",
            "WEBSOCKET_SERVICE_PORT  | 8003.5",
            "MONITORING_SERVICE_PORT | port",
            "MAX_CONCURRENT_JOBS     | 0",
            "MAX_CONCURRENT_JOBS     | -3",
            "MAX_CONCURRENT_JOBS     | 2.5",
            "CUDA_VISIBLE_DEVICES    | 0;1",
            "CUDA_VISIBLE_DEVICES    | gpu zero",
            "MAX_FILE_SIZE           | 0",
            "MAX_FILE_SIZE           | -1GB",
            "MAX_FILE_SIZE           | GB",
            "MAX_FILE_SIZE           | 99999999999TB",
            "MAX_CONNECTIONS         | many",
            "MAX_CONNECTIONS         | 0",
            "PING_INTERVAL           | 0",
            "PING_INTERVAL           | 30m",
            "PING_INTERVAL           | soon",
            "CORS_ORIGINS            | http://localhost:3000",
            "CORS_ORIGINS            | {\"origin\": \"http://a\"}",
            "CORS_ORIGINS            | [\"localhost:3000\"]",
            "CORS_ORIGINS            | [\"http://a.example/path\"]",
            "CORS_ORIGINS            | [3000]",
            "CHECK_INTERVAL          | -5",
            "CHECK_INTERVAL          | 0.0001",
            "ALERT_THRESHOLDS        | {\"cpu\": 80}",
            "ALERT_THRESHOLDS        | {\"cpu\": \"high\"}",
            "ALERT_THRESHOLDS        | [0.8, 0.9]",
            "REDIS_URL               | localhost:6379",
            "REDIS_URL               | http://redis:6379",
            "DATABASE_URL            | mysql://db/forge",
            "DATABASE_URL            | db:5432",
            "TRAINING_SERVICE_URL    | training:8001",
            "MODEL_SERVICE_URL       | ftp://models",
            "WEBSOCKET_SERVICE_URL   | ws://ws:8003",
            "MONITORING_SERVICE_URL  | http://",
            "SERVICE_NAME            | gateway",
            "DATA_DIR                | bad\u0000path",
    })
    void malformedValueIsRejectedWithTheVariableNameAndTheExpectedForm(String variable, String value) {
        assertThat(failureOf(variable, value))
                .startsWith(variable + ": expected ")
                .doesNotContain("\n");
    }

    @Test
    void everyProblemIsReportedInOneLine() {
        assertThatThrownBy(() -> parse("MAX_CONCURRENT_JOBS", "abc", "MAX_FILE_SIZE", "1XB", "PING_INTERVAL", "x"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigException.Problem::variable)
                        .containsExactly("MAX_CONCURRENT_JOBS", "MAX_FILE_SIZE", "PING_INTERVAL"))
                .hasMessageNotContaining("\n");
    }

    @Test
    void credentialsInUrlsAreNotPrintedInTheMessage() {
        assertThat(failureOf("DATABASE_URL", "mysql://forge:hunter2@db/forge")).doesNotContain("hunter2");
        assertThat(failureOf("REDIS_URL", "http://:hunter2@redis:6379")).doesNotContain("hunter2");
        assertThat(failureOf("TRAINING_SERVICE_URL", "ftp://user:hunter2@host")).doesNotContain("hunter2");
    }

    @ParameterizedTest
    @CsvSource({
            "1048576, 1048576",
            "64KB, 65536",
            "64kb, 65536",
            "1 MB, 1048576",
            "1.5GB, 1610612736",
            "2GiB, 2147483648",
            "1TB, 1099511627776",
            "100B, 100",
    })
    void fileSizesAcceptBytesAndBinaryUnits(String text, long bytes) {
        assertThat(parse("MAX_FILE_SIZE", text).models().maxFileSizeBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"30, 30000", "30s, 30000", "0.5, 500", "1.25S, 1250"})
    void intervalsAreSeconds(String text, long millis) {
        assertThat(parse("PING_INTERVAL", text).websocket().pingInterval()).isEqualTo(Duration.ofMillis(millis));
        assertThat(parse("CHECK_INTERVAL", text).monitoring().checkInterval()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void portZeroMeansAnyFreePort() {
        assertThat(parse("API_SERVICE_PORT", "0").api().port()).isZero();
        assertThat(parse("API_SERVICE_PORT", "65535").api().port()).isEqualTo(65535);
    }

    @Test
    void blankValuesCountAsUnset() {
        var config = parse("MAX_CONCURRENT_JOBS", "", "REDIS_URL", "  ", "ALERT_THRESHOLDS", "");
        assertThat(config.training().maxConcurrentJobs()).isEqualTo(5);
        assertThat(config.redisUrl()).isEmpty();
        assertThat(config.monitoring().alertThresholds().cpu()).isEqualTo(0.8);
    }

    @Test
    void emptyCudaVisibleDevicesHidesEveryGpuAsCudaDoes() {
        assertThat(parse("CUDA_VISIBLE_DEVICES", "").training().cudaVisibleDevices()).contains(List.of());
        assertThat(parse("CUDA_VISIBLE_DEVICES", "GPU-8f3c2a1e-4b5d,-1").training().cudaVisibleDevices())
                .contains(List.of("GPU-8f3c2a1e-4b5d", "-1"));
    }

    @Test
    void corsAcceptsAnyOriginAndAnEmptyList() {
        assertThat(parse("CORS_ORIGINS", "[\"*\"]").api().corsOrigins()).containsExactly("*");
        assertThat(parse("CORS_ORIGINS", "[]").api().corsOrigins()).isEmpty();
    }

    @Test
    void databaseAndRedisUrlsAcceptTheirUsualForms() {
        assertThat(parse("DATABASE_URL", "jdbc:postgresql://db:5432/forge?user=a").databaseUrl()).isPresent();
        assertThat(parse("DATABASE_URL", "postgres://db/forge").databaseUrl()).isPresent();
        assertThat(parse("REDIS_URL", "rediss://:pw@redis.example.com:6380").redisUrl()).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"models, MODELS", "model, MODELS", "training-service, TRAINING", "API, API", "websocket_service, WEBSOCKET"})
    void serviceNamesAcceptCommonSpellings(String text, ServiceName expected) {
        assertThat(parse("SERVICE_NAME", text).serviceName()).isEqualTo(Optional.of(expected));
        assertThat(ServiceName.parse(text)).contains(expected);
    }

    @Test
    void servicesInOneProcessMustNotSharePorts() {
        var config = parse("API_SERVICE_PORT", "8001");

        assertThatThrownBy(() -> config.requireDistinctPorts(List.of(ServiceName.values())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("API_SERVICE_PORT")
                .hasMessageContaining("TRAINING_SERVICE_PORT");
        config.requireDistinctPorts(List.of(ServiceName.API));
        parse("API_SERVICE_PORT", "0", "TRAINING_SERVICE_PORT", "0").requireDistinctPorts(List.of(ServiceName.values()));
    }

    @Test
    void formatIsValidatedAtStartUpNamingTheVariable() {
        assertThat(AgentForgeConfig.defaults().logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(AgentForgeConfig.fromEnvironment(Map.of("LOG_FORMAT", "JSON")).logFormat()).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(
                        () -> AgentForgeConfig.fromEnvironment(Map.of("LOG_FORMAT", "yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("LOG_FORMAT").hasMessageContaining("text or json").hasMessageContaining("yaml");
    }
}
