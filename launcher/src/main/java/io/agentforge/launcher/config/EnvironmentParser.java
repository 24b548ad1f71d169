package io.agentforge.launcher.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.api.ApiServiceConfig;
import io.agentforge.contracts.Json;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.monitoring.AlertThresholds;
import io.agentforge.monitoring.MonitoringServiceConfig;
import io.agentforge.platform.config.LogFormat;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.websocket.WebSocketServiceConfig;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads every {@link Variable} once. Problems are collected rather than thrown one by one, so that a user with three
 * typos learns about all three from one failed start. Defaults go through the same parsing as user values.
 */
final class EnvironmentParser {
    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)?");
    private static final Pattern SECONDS = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*S?");
    private static final Pattern CUDA_DEVICE = Pattern.compile("-?\\d+|(GPU|MIG)-[A-Za-z0-9/-]+");
    private static final Pattern ORIGIN = Pattern.compile("https?://[^/?#\\s]+");
    private static final Pattern CREDENTIALS = Pattern.compile("(?<=://)[^@/]*@");

    private final Map<String, String> environment;
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    EnvironmentParser(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    AgentForgeConfig parse() {
        var training = new TrainingServiceConfig(
                port(Variable.TRAINING_SERVICE_PORT),
                positiveInt(Variable.MAX_CONCURRENT_JOBS),
                cudaDevices(),
                jobLease());
        var models = new ModelServiceConfig(
                port(Variable.MODEL_SERVICE_PORT),
                path(Variable.STORAGE_PATH),
                size(Variable.MAX_FILE_SIZE));
        var websocket = new WebSocketServiceConfig(
                port(Variable.WEBSOCKET_SERVICE_PORT),
                positiveInt(Variable.MAX_CONNECTIONS),
                seconds(Variable.PING_INTERVAL));
        var api = new ApiServiceConfig(
                port(Variable.API_SERVICE_PORT),
                corsOrigins());
        var monitoring = new MonitoringServiceConfig(
                port(Variable.MONITORING_SERVICE_PORT),
                seconds(Variable.CHECK_INTERVAL),
                alertThresholds());
        var serviceName = serviceName();
        var dataDir = path(Variable.DATA_DIR);
        var redisUrl = redisUrl();
        var databaseUrl = databaseUrl();
        var serviceUrls = serviceUrls();
        var logFormat = logFormat();
        var security = new SecurityVariables(this).parse(api.corsOrigins());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AgentForgeConfig(serviceName, dataDir, redisUrl, databaseUrl, serviceUrls,
                training, models, websocket, api, monitoring, logFormat, security);
    }

    /** The user's value, or the default when unset or blank (compose files often write {@code FOO=} for "unset"). */
    Optional<String> raw(Variable variable) {
        var value = environment.get(variable.name());
        if (value == null || value.isBlank()) {
            return Optional.ofNullable(variable.defaultValue());
        }
        return Optional.of(value.trim());
    }

    void problem(Variable variable, String expected, String actual) {
        problems.add(new ConfigException.Problem(variable.name(), expected, actual));
    }

    private int port(Variable variable) {
        var text = raw(variable).orElseThrow();
        var port = parseInt(text);
        if (port == null || port < 0 || port > 65535) {
            problem(variable, "a port number from 1 to 65535 (0 for any free port)", text);
            return 0;
        }
        return port;
    }

    private int positiveInt(Variable variable) {
        var text = raw(variable).orElseThrow();
        var value = parseInt(text);
        if (value == null || value < 1) {
            problem(variable, "a positive integer", text);
            return 1;
        }
        return value;
    }

    private static Integer parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Duration seconds(Variable variable) {
        var text = raw(variable).orElseThrow();
        var matcher = SECONDS.matcher(text);
        if (matcher.matches()) {
            var millis = new BigDecimal(matcher.group(1)).movePointRight(3);
            if (millis.compareTo(BigDecimal.ONE) >= 0 && millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                return Duration.ofMillis(millis.longValue());
            }
        }
        problem(variable, "a positive number of seconds such as 30", text);
        return Duration.ofSeconds(1);
    }

    /** Renewed every 2 s (the scheduler's tick), a lease must leave room for a renewal or two to be late. */
    private Duration jobLease() {
        int known = problems.size();
        var lease = seconds(Variable.JOB_LEASE);
        if (problems.size() == known && lease.compareTo(Duration.ofSeconds(5)) < 0) {
            problem(Variable.JOB_LEASE, "a number of seconds of at least 5 (leases are renewed every 2 s)",
                    raw(Variable.JOB_LEASE).orElseThrow());
            return Duration.ofSeconds(5);
        }
        return lease;
    }

    private long size(Variable variable) {
        var text = raw(variable).orElseThrow();
        var matcher = SIZE.matcher(text);
        if (matcher.matches()) {
            var unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT).replace("I", "");
            var exponent = "BKMGT".indexOf(unit.charAt(0));
            var bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(1024).pow(exponent));
            if (bytes.compareTo(BigDecimal.ONE) >= 0 && bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                return bytes.longValue();
            }
        }
        problem(variable, "a size such as 1GB, 500MB, 64KB or a number of bytes", text);
        return 1;
    }

    private Path path(Variable variable) {
        var text = raw(variable).orElseThrow();
        try {
            // Absolute from the start: training workers run in their job directory, not where the user started.
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problem(variable, "a file system path", text);
            return Path.of(".");
        }
    }

    private Optional<List<String>> cudaDevices() {
        var value = environment.get(Variable.CUDA_VISIBLE_DEVICES.name());
        if (value == null) {
            return Optional.empty();
        }
        // Unlike other variables, "set but empty" means something to CUDA: no GPU is visible.
        var devices = value.isBlank() ? List.<String>of()
                : Arrays.stream(value.split(",", -1)).map(String::trim).toList();
        if (!devices.stream().allMatch(device -> CUDA_DEVICE.matcher(device).matches())) {
            problem(Variable.CUDA_VISIBLE_DEVICES, "comma-separated GPU indices or UUIDs such as 0,1", value);
            return Optional.empty();
        }
        return Optional.of(devices);
    }

    private List<String> corsOrigins() {
        var variable = Variable.CORS_ORIGINS;
        var text = raw(variable).orElseThrow();
        var expected = "a JSON list of origins such as [\"http://localhost:3000\"] or [\"*\"]";
        var json = json(text);
        if (json == null || !json.isArray()) {
            problem(variable, expected, text);
            return List.of();
        }
        var origins = new ArrayList<String>();
        for (var element : json) {
            // A trailing slash is a common slip; browsers never send one in Origin.
            var origin = element.isTextual() ? element.asText().trim().replaceFirst("/$", "") : "";
            if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                problem(variable, expected + " (each http(s)://host[:port] without a path)", text);
                return List.of();
            }
            origins.add(origin);
        }
        return origins;
    }

    private AlertThresholds alertThresholds() {
        var variable = Variable.ALERT_THRESHOLDS;
        var text = raw(variable).orElseThrow();
        var expected = "a JSON object of numbers from 0 to 1 such as " + variable.defaultValue();
        var json = json(text);
        if (json == null || !json.isObject()) {
            problem(variable, expected, text);
            return defaultThresholds();
        }
        // A user who sets only {"cpu": 0.7} keeps the default memory threshold.
        var thresholds = new LinkedHashMap<>(defaultThresholds().byMetric());
        for (var field : json.properties()) {
            var value = field.getValue();
            if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                problem(variable, expected + " (" + field.getKey() + " is not)", text);
                return defaultThresholds();
            }
            thresholds.put(field.getKey(), value.asDouble());
        }
        return new AlertThresholds(thresholds);
    }

    private static AlertThresholds defaultThresholds() {
        var defaults = json(Variable.ALERT_THRESHOLDS.defaultValue());
        var values = new LinkedHashMap<String, Double>();
        defaults.properties().forEach(field -> values.put(field.getKey(), field.getValue().asDouble()));
        return new AlertThresholds(values);
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private Optional<ServiceName> serviceName() {
        var text = raw(Variable.SERVICE_NAME);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        var name = ServiceName.parse(text.get());
        if (name.isEmpty()) {
            problem(Variable.SERVICE_NAME, "one of " + ServiceName.choices(), text.get());
        }
        return name;
    }

    private LogFormat logFormat() {
        var text = raw(Variable.LOG_FORMAT).orElseThrow();
        var format = LogFormat.parse(text);
        if (format.isEmpty()) {
            problem(Variable.LOG_FORMAT, "text or json", text);
        }
        return format.orElse(LogFormat.TEXT);
    }

    private Optional<String> redisUrl() {
        var variable = Variable.REDIS_URL;
        return raw(variable).filter(text -> {
            var uri = uri(text);
            var valid = uri != null && uri.getScheme() != null
                    && (Set.of("redis", "rediss").contains(uri.getScheme().toLowerCase(Locale.ROOT)) && uri.getHost() != null
                    || uri.getScheme().equalsIgnoreCase("redis-socket"));
            if (!valid) {
                problem(variable, "a Redis URL such as redis://host:6379", masked(text));
            }
            return valid;
        });
    }

    private Optional<String> databaseUrl() {
        var variable = Variable.DATABASE_URL;
        return raw(variable).filter(text -> {
            var lower = text.toLowerCase(Locale.ROOT);
            var postgres = lower.startsWith("postgresql://") || lower.startsWith("postgres://");
            var uri = postgres ? uri(text) : null;
            var valid = postgres ? uri != null && uri.getHost() != null : lower.matches("jdbc:[a-z0-9]+:.+");
            if (!valid) {
                problem(variable, "a PostgreSQL URL such as postgresql://user:password@host:5432/agentforge"
                        + " or a jdbc: URL", masked(text));
            }
            return valid;
        });
    }

    private ServiceUrls serviceUrls() {
        var urls = new EnumMap<ServiceName, URI>(ServiceName.class);
        httpUrl(Variable.TRAINING_SERVICE_URL).ifPresent(url -> urls.put(ServiceName.TRAINING, url));
        httpUrl(Variable.MODEL_SERVICE_URL).ifPresent(url -> urls.put(ServiceName.MODELS, url));
        httpUrl(Variable.WEBSOCKET_SERVICE_URL).ifPresent(url -> urls.put(ServiceName.WEBSOCKET, url));
        httpUrl(Variable.MONITORING_SERVICE_URL).ifPresent(url -> urls.put(ServiceName.MONITORING, url));
        return new ServiceUrls(urls);
    }

    private Optional<URI> httpUrl(Variable variable) {
        return raw(variable).flatMap(text -> {
            var uri = uri(text.replaceFirst("/+$", ""));
            var scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problem(variable, "an http(s) URL such as http://host:8001", masked(text));
                return Optional.empty();
            }
            return Optional.of(uri);
        });
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** URLs may carry passwords; an error message must not print them to a log. */
    private static String masked(String url) {
        return CREDENTIALS.matcher(url).replaceFirst("***@").replaceAll("(?i)((?:ssl)?password=)[^&;\\s]*", "$1***");
    }
}
