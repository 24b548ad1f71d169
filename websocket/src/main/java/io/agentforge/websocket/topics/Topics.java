package io.agentforge.websocket.topics;

import java.util.List;

/** The topics a client may subscribe to. */
public final class Topics {
    public static final String TRAINING_UPDATES = "training_updates";
    public static final String MODEL_UPDATES = "model_updates";
    public static final String ADMIN_ALERTS = "admin_alerts";
    public static final String SYSTEM_METRICS = "system_metrics";
    public static final String AGENT_FORGE_PHASES = "agent_forge_phases";
    public static final String PIPELINE = "pipeline";
    public static final String JOB_PREFIX = "jobs/";

    public static final List<String> FIXED = List.of(TRAINING_UPDATES, MODEL_UPDATES, ADMIN_ALERTS, SYSTEM_METRICS,
            AGENT_FORGE_PHASES, PIPELINE);

    private Topics() {
    }

    public static String job(String jobId) {
        return JOB_PREFIX + jobId;
    }

    /** A fixed topic or {@code jobs/{job_id}} with a non-blank id. */
    public static boolean isKnown(String topic) {
        return FIXED.contains(topic) || topic.startsWith(JOB_PREFIX) && !topic.substring(JOB_PREFIX.length()).isBlank();
    }

    /** For error messages. */
    public static String describe() {
        return String.join(", ", FIXED) + ", jobs/{job_id}";
    }
}
