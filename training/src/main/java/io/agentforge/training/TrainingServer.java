package io.agentforge.training;

import io.agentforge.platform.config.ServiceName;
import io.agentforge.platform.health.DiskSpaceCheck;
import io.agentforge.platform.health.HealthCheck;
import io.agentforge.platform.security.AccessControl;
import io.agentforge.platform.security.AccessRules;
import io.agentforge.platform.security.SecuritySettings;
import io.agentforge.platform.persistence.Schema;
import io.agentforge.platform.web.ServiceServer;
import io.agentforge.training.jobs.TrainingJobs;
import io.agentforge.training.web.TrainingRoutes;

import java.nio.file.Path;
import java.util.List;

/**
 * The Training service's HTTP server on {@code TRAINING_SERVICE_PORT}: the job routes, {@code /health} and
 * {@code /metrics}.
 *
 * <pre>{@code
 * var training = TrainingJobs.start(database, bus, models,
 *         SchedulerSettings.defaults(config.training().maxConcurrentJobs(), config.dataDir()));
 * var server = TrainingServer.create(config.training(), config.dataDir(), dependencies, training).start();
 * }</pre>
 */
public final class TrainingServer {
    /** The tables the Training service owns (jobs, their queue state and metric history): {@code db/training}. */
    public static final Schema SCHEMA = new Schema("training");
    /** Below this much free space checkpoints of even a small model may not fit: the service is degraded. */
    static final long MINIMUM_FREE_BYTES = 512L * 1024 * 1024;

    private TrainingServer() {
    }

    /**
     * The frame alone: {@code /health} and {@code /metrics}, without the job routes.
     *
     * @param dataDir      where the service keeps local state (checkpoints, and the embedded database in the
     *                     all-in-one start); its free space is part of the service's health
     * @param dependencies checks of what the launcher handed over (database, event bus)
     */
    public static ServiceServer create(TrainingServiceConfig config, Path dataDir, List<HealthCheck> dependencies) {
        return builder(config, dataDir, dependencies, SecuritySettings.local(List.of())).build();
    }

    /** The whole service: the job routes over {@code training}, its worker slots in the health report, its metrics. */
    public static ServiceServer create(TrainingServiceConfig config, Path dataDir, List<HealthCheck> dependencies,
                                       TrainingJobs training) {
        return create(config, dataDir, dependencies, training, SecuritySettings.local(List.of()));
    }

    /** As the launcher starts it: only the other services may call it when authentication is on. */
    public static ServiceServer create(TrainingServiceConfig config, Path dataDir, List<HealthCheck> dependencies,
                                       TrainingJobs training, SecuritySettings security) {
        var server = builder(config, dataDir, dependencies, security)
                .healthCheck("workers", training::workers)
                .routes(new TrainingRoutes(training))
                .build();
        training.bindMetrics(server.meterRegistry());
        return server;
    }

    private static ServiceServer.Builder builder(TrainingServiceConfig config, Path dataDir,
                                                 List<HealthCheck> dependencies, SecuritySettings security) {
        return ServiceServer.builder(ServiceName.TRAINING.id())
                .port(config.port())
                .access(new AccessControl(security, AccessRules.Audience.SERVICES))
                .healthCheck("data_dir", new DiskSpaceCheck(dataDir, MINIMUM_FREE_BYTES))
                .healthChecks(dependencies);
    }
}
