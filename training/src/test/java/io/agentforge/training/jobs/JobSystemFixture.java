package io.agentforge.training.jobs;

import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.models.ModelService;
import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.contracts.testing.ModelShelf;
import io.agentforge.contracts.training.JobRequest;
import io.agentforge.contracts.training.TrainingJob;
import io.agentforge.platform.bus.InProcessEventBus;
import io.agentforge.platform.persistence.Database;
import io.agentforge.training.TrainingServer;
import io.agentforge.training.supervisor.WorkerLaunch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Training service instance as tests need it: a real database, a real in-process bus, a real model store, real
 * worker JVMs; short leases so that recovery happens within a test.
 */
final class JobSystemFixture implements AutoCloseable {
    final Database database;
    final InProcessEventBus bus = new InProcessEventBus();
    final ModelShelf models;
    final List<EventEnvelope> events = new CopyOnWriteArrayList<>();
    final List<TrainingJobs> instances = new ArrayList<>();
    final Path dir;
    private final String databaseUrl;
    /** Instances in processes of their own, killed by {@link #close()} if the test has not. */
    private final List<Process> processes = new ArrayList<>();

    JobSystemFixture(Path dir, String databaseUrl) {
        this.dir = dir;
        this.databaseUrl = databaseUrl;
        this.database = Database.open(databaseUrl, dir.resolve("db"), TrainingServer.SCHEMA);
        this.models = new ModelShelf(dir.resolve("models"));
        bus.subscribe("training_*", events::add);
    }

    static SchedulerSettings settings(Path dir, int maxConcurrentJobs, int maxAttempts) {
        return new SchedulerSettings(SchedulerSettings.newOwner(), maxConcurrentJobs, Duration.ofSeconds(4),
                Duration.ofMillis(300), Duration.ofSeconds(20), Duration.ofSeconds(60), maxAttempts,
                dir.resolve("jobs"), WorkerLaunch.forConcurrentJobs(maxConcurrentJobs));
    }

    TrainingJobs start(int maxConcurrentJobs, int maxAttempts) {
        return start(maxConcurrentJobs, maxAttempts, models);
    }

    /**
     * An instance with a longer lease than the fixture's 4 s, for a test about sharing the queue rather than about
     * recovery: on a loaded machine a stall of a few seconds in the test JVM loses a 4 s lease, and the job is then
     * rightly started again from its checkpoint, which such a test would count as a second start.
     */
    TrainingJobs start(int maxConcurrentJobs, int maxAttempts, Duration lease) {
        var service = TrainingJobs.start(database, bus, models,
                settings(dir, maxConcurrentJobs, maxAttempts).withLease(lease));
        instances.add(service);
        return service;
    }

    /** An instance that reaches the models through {@code modelService} (e.g. one that is sometimes away). */
    TrainingJobs start(int maxConcurrentJobs, int maxAttempts, ModelService modelService) {
        var service = TrainingJobs.start(database, bus, modelService, settings(dir, maxConcurrentJobs, maxAttempts));
        instances.add(service);
        return service;
    }

    /** A tiny Cognate job; {@code maxSteps} per seed, checkpoints every 5 steps. */
    static JobRequest tinyJob(int maxSteps, int priority) {
        var parameters = new LinkedHashMap<String, Object>(Map.of("model_preset", "tiny", "max_steps", maxSteps,
                "batch_size", 4, "max_train_samples", 200, "max_eval_samples", 20, "checkpoint_interval", 5,
                "eval_interval", 5));
        return new JobRequest(ModelPhase.COGNATE, null, parameters, priority);
    }

    List<Map<String, Object>> events(String type, TrainingJob job) {
        return events.stream().map(EventEnvelope::event)
                .filter(e -> e.eventType().equals(type) && job.jobId().equals(e.data().get("job_id")))
                .map(e -> e.data()).toList();
    }

    /** The bus ids of the job's events of a type, in publication order. */
    List<String> eventIds(String type, TrainingJob job) {
        return events.stream().map(EventEnvelope::event)
                .filter(e -> e.eventType().equals(type) && job.jobId().equals(e.data().get("job_id")))
                .map(e -> e.eventId()).toList();
    }

    /**
     * Another instance on this fixture's database (a shared PostgreSQL) and directory, in a process of its own so
     * that a test can kill it with SIGKILL; returns once it is ready.
     */
    Process startInstanceProcess() throws IOException {
        var process = TrainingInstanceMain.startProcess(databaseUrl, dir);
        processes.add(process);
        return process;
    }

    /** The job's current step as its row in the database has it. */
    int currentStep(String jobId) {
        return database.withConnection(c -> {
            try (var s = c.prepareStatement("SELECT current_step FROM training_jobs WHERE id = ?")) {
                s.setString(1, jobId);
                try (var rows = s.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
        });
    }

    int lastStep(TrainingJob job) {
        return events("training_progress", job).stream().mapToInt(d -> ((Number) d.get("current_step")).intValue())
                .max().orElse(0);
    }

    /** The pid of the job's latest worker, from its training_started event. */
    Optional<ProcessHandle> latestWorker(TrainingJob job) {
        var started = events("training_started", job);
        if (started.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(((Number) started.getLast().get("worker_pid")).longValue());
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (var instance : instances) {
            instance.close();
        }
        bus.close();
        database.close();
    }
}
