package io.agentforge.launcher.config;

/**
 * Every environment variable Agent Forge reads (SPEC section 2), with its default and meaning. The parser, the README's
 * configuration table and its test all start from this list, so a variable cannot be read without being documented.
 */
public enum Variable {
    API_SERVICE_PORT("8000", "Port of the API service."),
    TRAINING_SERVICE_PORT("8001", "Port of the Training service."),
    MODEL_SERVICE_PORT("8002", "Port of the Model service."),
    WEBSOCKET_SERVICE_PORT("8003", "Port of the WebSocket service."),
    MONITORING_SERVICE_PORT("8004", "Port of the Monitoring service."),
    MAX_CONCURRENT_JOBS("5", "Training jobs run at the same time by one Training service; more wait in the queue."),
    JOB_LEASE("30", "Seconds a Training service's claim on a job (and on the pipeline run it drives) holds without renewal; renewed every 2 s, so at least 5. The jobs of a replica that died are taken over this long after its last renewal."),
    CUDA_VISIBLE_DEVICES(null, "GPU indices or UUIDs, comma-separated (e.g. `0,1`); accepted, the CPU is used when no GPU is present."),
    STORAGE_PATH("./data/models", "Directory of the model artifacts."),
    MAX_FILE_SIZE("1GB", "Largest model artifact accepted: bytes, or a number with KB, MB, GB or TB (binary: 1KB = 1024 bytes)."),
    MAX_CONNECTIONS("1000", "WebSocket connections held at once; one more is closed with code 1013."),
    PING_INTERVAL("30", "Seconds between pings of each WebSocket connection (each at its own phase, so the pings "
            + "spread over the interval); a connection silent for two intervals is dropped."),
    CORS_ORIGINS("[\"http://localhost:3000\"]", "Origins allowed to call the services from a browser (HTTP and the WebSocket), a JSON list (`[\"*\"]` for any); a request from any other origin gets 403. Services bound to a loopback address also admit loopback origins (`http://localhost:*`)."),
    CHECK_INTERVAL("30", "Seconds between the Monitoring service's health checks of every service."),
    ALERT_THRESHOLDS("{\"cpu\": 0.8, \"memory\": 0.9}",
            "Alert thresholds, a JSON object of fractions from 0 to 1; keys not given keep their default."),
    REDIS_URL(null, "Redis for the event bus (`redis://host:6379`); unset: the in-process bus."),
    DATABASE_URL(null, "PostgreSQL for metadata (`postgresql://user:password@host:5432/agentforge`); unset: an embedded database under `DATA_DIR`."),
    TRAINING_SERVICE_URL(null, "Where other services reach the Training service (`http://host:8001`); unset: in-process when it runs in the same process, else this host on its port variable."),
    MODEL_SERVICE_URL(null, "Where other services reach the Model service (`http://host:8002`); unset: in-process when it runs in the same process, else this host on its port variable."),
    WEBSOCKET_SERVICE_URL(null, "Where other services reach the WebSocket service (`http://host:8003`); unset: in-process."),
    MONITORING_SERVICE_URL(null, "Where other services reach the Monitoring service (`http://host:8004`); unset: in-process."),
    SERVICE_NAME(null, "The one service this process runs (`api`, `training`, `models`, `websocket`, `monitoring`) when `start` names none."),
    DATA_DIR("./data", "Directory of the embedded database and other local state."),
    BIND_ADDRESS("127.0.0.1", "Address every server of this process listens on. Any address but a loopback one (e.g. `0.0.0.0` in a container) needs authentication (`API_KEYS`, `JWT_HS256_SECRET` or `JWT_RS256_PUBLIC_KEY`, and `SERVICE_TOKEN`) or `AUTH_DISABLED=true`, else start-up fails."),
    API_KEYS(null, "API keys, stored hashed: a JSON list of `{\"name\": \"ci\", \"role\": \"operator\", \"sha256\": \"<hex>\"}`, the role `viewer`, `operator` or `admin`, the hash the SHA-256 of the key in hex (`sha256sum` of the key without a newline). Clients send `Authorization: Bearer <key>` (or `X-API-Key: <key>`)."),
    JWT_HS256_SECRET(null, "Accept JWT bearer tokens signed with this HS256 secret (at least 32 bytes); the role comes from the token's `role` or `roles` claim, and the token must carry `exp`."),
    JWT_RS256_PUBLIC_KEY(null, "Accept JWT bearer tokens signed RS256 by the holder of this RSA public key (PEM, `-----BEGIN PUBLIC KEY-----`); instead of `JWT_HS256_SECRET`."),
    JWT_ISSUER(null, "When set, a JWT's `iss` must be this."),
    JWT_AUDIENCE(null, "When set, a JWT's `aud` must contain this."),
    SERVICE_TOKEN(null, "The secret (at least 32 characters) the services of one deployment present to each other; the Training and Model services accept nothing else when authentication is on. Needed when authentication is on and the services run in more than one process."),
    AUTH_DISABLED("false", "`true` runs without authentication on any address (a trusted network only); every request is then anonymous."),
    LOG_FORMAT("text", "Log lines as readable `text`, or `json`: one JSON object per line with timestamp, level, logger, thread, message and MDC (`trace_id`, `job_id`), for containers.");

    private final String defaultValue;
    private final String meaning;

    Variable(String defaultValue, String meaning) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    /** The value used when the variable is unset or blank; null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One sentence for the documentation. */
    public String meaning() {
        return meaning;
    }
}
