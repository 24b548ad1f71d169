package io.agentforge.launcher.config;

import io.agentforge.platform.config.LogFormat;
import io.agentforge.websocket.WebSocketServiceConfig;
import io.agentforge.monitoring.MonitoringServiceConfig;
import io.agentforge.models.ModelServiceConfig;
import io.agentforge.monitoring.AlertThresholds;
import io.agentforge.platform.config.ServiceName;
import io.agentforge.training.TrainingServiceConfig;
import io.agentforge.api.ApiServiceConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import io.agentforge.platform.security.ApiKey;
import io.agentforge.platform.security.JwtSettings;
import io.agentforge.platform.security.Role;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.security.ServiceToken;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
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
    private static final Pattern BIND_ADDRESS = Pattern.compile("[A-Za-z0-9.-]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
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
                cudaDevices());
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
        var security = security(api.corsOrigins());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AgentForgeConfig(serviceName, dataDir, redisUrl, databaseUrl, serviceUrls,
                training, models, websocket, api, monitoring, logFormat, security);
    }

    /** The user's value, or the default when unset or blank (compose files often write {@code FOO=} for "unset"). */
    private Optional<String> raw(Variable variable) {
        var value = environment.get(variable.name());
        if (value == null || value.isBlank()) {
            return Optional.ofNullable(variable.defaultValue());
        }
        return Optional.of(value.trim());
    }

    private void problem(Variable variable, String expected, String actual) {
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

    private static JsonNode json(String text) {
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

    private SecuritySettings security(List<String> corsOrigins) {
        var hmac = secret(Variable.JWT_HS256_SECRET, 32, "bytes")
                .<JwtSettings.Key>map(text -> new JwtSettings.Hmac(text.getBytes(StandardCharsets.UTF_8)));
        var rsa = rsaPublicKey().<JwtSettings.Key>map(JwtSettings.Rsa::new);
        if (hmac.isPresent() && rsa.isPresent()) {
            problem(Variable.JWT_RS256_PUBLIC_KEY, "either JWT_HS256_SECRET or JWT_RS256_PUBLIC_KEY, not both",
                    "both set");
        }
        var jwt = hmac.or(() -> rsa).map(key -> new JwtSettings(key, raw(Variable.JWT_ISSUER),
                raw(Variable.JWT_AUDIENCE)));
        var serviceToken = secret(Variable.SERVICE_TOKEN, ServiceToken.MINIMUM_LENGTH, "characters")
                .map(ServiceToken::new);
        return new SecuritySettings(bindAddress(), bool(Variable.AUTH_DISABLED), apiKeys(), jwt, serviceToken,
                corsOrigins);
    }

    private String bindAddress() {
        var text = raw(Variable.BIND_ADDRESS).orElseThrow();
        if (!BIND_ADDRESS.matcher(text).matches()) {
            problem(Variable.BIND_ADDRESS, "an IP address or host name such as 127.0.0.1 or 0.0.0.0", text);
            return SecuritySettings.LOOPBACK;
        }
        return text;
    }

    private boolean bool(Variable variable) {
        var text = raw(variable).orElseThrow();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> {
                problem(variable, "true or false", text);
                yield false;
            }
        };
    }

    /** A secret value: checked for length, never echoed in a problem. */
    private Optional<String> secret(Variable variable, int minimum, String unit) {
        var text = raw(variable);
        var length = text.map(value -> unit.equals("bytes") ? value.getBytes(StandardCharsets.UTF_8).length
                : value.length()).orElse(0);
        if (text.isPresent() && length < minimum) {
            problem(variable, "a random secret of at least " + minimum + " " + unit, "(a secret of " + length
                    + " " + unit + ")");
            return Optional.empty();
        }
        return text;
    }

    private Optional<RSAPublicKey> rsaPublicKey() {
        var variable = Variable.JWT_RS256_PUBLIC_KEY;
        return raw(variable).flatMap(text -> {
            // Compose and Kubernetes files often carry a PEM on one line with \n for its line breaks.
            var base64 = text.replace("\\n", "\n").replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            try {
                var key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(base64)));
                return Optional.of((RSAPublicKey) key);
            } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
                problem(variable, "an RSA public key in PEM (-----BEGIN PUBLIC KEY----- ...)",
                        "(" + text.length() + " characters that are not one)");
                return Optional.empty();
            }
        });
    }

    private List<ApiKey> apiKeys() {
        var variable = Variable.API_KEYS;
        var text = raw(variable);
        if (text.isEmpty()) {
            return List.of();
        }
        var expected = "a JSON list of {\"name\": ..., \"role\": " + Role.userRoleChoices()
                + ", \"sha256\": <64 hex digits of the key's SHA-256>}";
        var json = json(text.get());
        if (json == null || !json.isArray()) {
            problem(variable, expected, "(" + text.get().length() + " characters that are not a JSON list)");
            return List.of();
        }
        var keys = new ArrayList<ApiKey>();
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < json.size(); i++) {
            var entry = json.get(i);
            var name = entry.path("name").asText("").trim();
            var role = Role.parseUserRole(entry.path("role").asText(""));
            var hash = entry.path("sha256").asText("").trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !names.add(name) || role.isEmpty() || !hash.matches("[0-9a-f]{64}")) {
                problem(variable, expected + ", with distinct names", "entry " + i + " is not (name \"" + name
                        + "\", role \"" + entry.path("role").asText("") + "\")");
                return List.of();
            }
            keys.add(new ApiKey(name, role.get(), HexFormat.of().parseHex(hash)));
        }
        return keys;
    }

    /** URLs may carry passwords; an error message must not print them to a log. */
    private static String masked(String url) {
        return CREDENTIALS.matcher(url).replaceFirst("***@").replaceAll("(?i)((?:ssl)?password=)[^&;\\s]*", "$1***");
    }
}
