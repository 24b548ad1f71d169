package io.agentforge.contracts.events;

/**
 * The event types of SPEC section 6. Types are open strings (more may be added); these are the known ones.
 */
public final class EventTypes {
    public static final String TRAINING_STARTED = "training_started";
    public static final String TRAINING_PROGRESS = "training_progress";
    public static final String TRAINING_COMPLETED = "training_completed";
    public static final String TRAINING_FAILED = "training_failed";
    /** A job stopped by a caller ({@code DELETE /jobs/{id}}, a phase stop); its status is {@code cancelled}. */
    public static final String TRAINING_CANCELLED = "training_cancelled";
    /** A job paused by a caller; it resumes from its last checkpoint. */
    public static final String TRAINING_PAUSED = "training_paused";
    /**
     * A running job went back to the queue (its worker died, its replica stopped or died, a dependency was away); its
     * status is {@code pending} and it continues from its last checkpoint when claimed again.
     */
    public static final String TRAINING_REQUEUED = "training_requeued";
    public static final String MODEL_SAVED = "model_saved";
    public static final String MODEL_HANDOFF_CREATED = "model_handoff_created";
    public static final String MODEL_HANDOFF_UPDATED = "model_handoff_updated";
    public static final String SERVICE_HEALTH_CHANGED = "service_health_changed";
    public static final String ALERT_CREATED = "alert_created";
    /** An alert whose condition cleared, or that an operator resolved; on the {@code admin_alerts} topic too. */
    public static final String ALERT_RESOLVED = "alert_resolved";
    public static final String SYSTEM_METRICS = "system_metrics";
    public static final String PIPELINE_UPDATE = "pipeline_update";
    public static final String PIPELINE_COMPLETE = "pipeline_complete";
    /**
     * A service instance that no {@code *_SERVICE_URL} names (the API, in distributed mode) says where it listens:
     * {@code {service_name, url, instance_id}}, at start and every few seconds, so that Monitoring can watch it.
     */
    public static final String SERVICE_ANNOUNCED = "service_announced";

    private EventTypes() {
    }
}
