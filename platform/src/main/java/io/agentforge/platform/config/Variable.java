package io.agentforge.platform.config;

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
    CUDA_VISIBLE_DEVICES(null, "GPU indices or UUIDs, comma-separated (e.g. `0,1`); accepted, the CPU is used when no GPU is present."),
    STORAGE_PATH("./data/models", "Directory of the model artifacts."),
    MAX_FILE_SIZE("1GB", "Largest model artifact accepted: bytes, or a number with KB, MB, GB or TB (binary: 1KB = 1024 bytes)."),
    MAX_CONNECTIONS("1000", "WebSocket connections held at once; one more is closed with code 1013."),
    PING_INTERVAL("30", "Seconds between pings of each WebSocket connection (each at its own phase, so the pings "
            + "spread over the interval); a connection silent for two intervals is dropped."),
    CORS_ORIGINS("[\"http://localhost:3000\"]", "Origins allowed to call the API from a browser, a JSON list (`[\"*\"]` for any)."),
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
