package io.agentforge.training.jobs;

import io.agentforge.contracts.phases.ModelPhase;
import io.agentforge.training.supervisor.WorkerLaunch;
import io.agentforge.training.worker.PhaseRunners;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * How one Training service instance schedules jobs.
 *
 * @param owner             this instance's name in leases; unique per process, so that a restarted instance never
 *                          mistakes its predecessor's leases for its own
 * @param maxConcurrentJobs {@code MAX_CONCURRENT_JOBS}: jobs this instance runs at once (each replica brings its own)
 * @param lease             how long a claim holds without renewal; a dead instance's jobs are recovered after it
 * @param tick              how often leases are renewed, expired ones recovered and free slots filled
 * @param stopGrace         how long a worker asked to stop may take to checkpoint before it is killed
 * @param silenceLimit      a worker silent this long (no line, not even a heartbeat) is killed as hung
 * @param maxAttempts       runs a job may take in all; after that a crash fails it
 * @param jobsDir           where job directories (checkpoints, exports, worker logs) live
 * @param implementedPhases the phases the launched workers have a runner for; others are refused with 501
 */
public record SchedulerSettings(String owner, int maxConcurrentJobs, Duration lease, Duration tick,
                                Duration stopGrace, Duration silenceLimit, int maxAttempts, Path jobsDir,
                                WorkerLaunch launch, Set<ModelPhase> implementedPhases) {

    /** Settings for workers with the built-in runners ({@link PhaseRunners#implemented()}). */
    public SchedulerSettings(String owner, int maxConcurrentJobs, Duration lease, Duration tick, Duration stopGrace,
                             Duration silenceLimit, int maxAttempts, Path jobsDir, WorkerLaunch launch) {
        this(owner, maxConcurrentJobs, lease, tick, stopGrace, silenceLimit, maxAttempts, jobsDir, launch,
                PhaseRunners.implemented());
    }

    public SchedulerSettings {
        implementedPhases = implementedPhases.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(implementedPhases));
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("maxConcurrentJobs must be >= 1, got " + maxConcurrentJobs);
        }
        if (tick.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("the tick (" + tick + ") must be shorter than the lease (" + lease + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        // Absolute: workers run in their job directory, where a relative path would point elsewhere.
        jobsDir = jobsDir.toAbsolutePath().normalize();
    }

    /**
     * The production defaults: a 30 s lease renewed every 2 s, a 20 s stop grace, 3 attempts, workers sharing this
     * machine's cores.
     */
    public static SchedulerSettings defaults(int maxConcurrentJobs, Path dataDir) {
        return new SchedulerSettings(newOwner(), maxConcurrentJobs, Duration.ofSeconds(30), Duration.ofSeconds(2),
                Duration.ofSeconds(20), Duration.ofSeconds(120), 3, dataDir.resolve("jobs"),
                WorkerLaunch.forConcurrentJobs(maxConcurrentJobs));
    }

    /**
     * The longest a clean stop of the service (SIGTERM) takes to hand its jobs back: the workers' checkpoint within
     * the stop grace, and then the hand-back itself. Orchestrators must allow more than this before they kill.
     */
    public Duration handBackLimit() {
        return stopGrace.plusSeconds(5);
    }

    /** The same with another lease ({@code JOB_LEASE}); it must stay longer than the tick. */
    public SchedulerSettings withLease(Duration newLease) {
        return new SchedulerSettings(owner, maxConcurrentJobs, newLease, tick, stopGrace, silenceLimit, maxAttempts,
                jobsDir, launch, implementedPhases);
    }

    public SchedulerSettings withOwner(String newOwner) {
        return new SchedulerSettings(newOwner, maxConcurrentJobs, lease, tick, stopGrace, silenceLimit, maxAttempts,
                jobsDir, launch, implementedPhases);
    }

    /** Workers started by {@code workerLaunch}, which run {@code phases} (tests add a phase's runner this way). */
    public SchedulerSettings withWorkers(WorkerLaunch workerLaunch, Set<ModelPhase> phases) {
        return new SchedulerSettings(owner, maxConcurrentJobs, lease, tick, stopGrace, silenceLimit, maxAttempts,
                jobsDir, workerLaunch, phases);
    }

    public static String newOwner() {
        var host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    /** The only directory a job's {@code dataset} file may come from: {@code datasets} next to the jobs, under DATA_DIR. */
    public Path datasetsDir() {
        return jobsDir.resolveSibling("datasets");
    }

    public Path jobDir(String jobId) {
        return jobsDir.resolve(jobId);
    }
}
