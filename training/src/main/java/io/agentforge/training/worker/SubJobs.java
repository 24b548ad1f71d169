package io.agentforge.training.worker;

import io.agentforge.contracts.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The worker's side of sub-jobs: it asks its supervisor to queue tasks ({@link WorkerMessage.SubJobsRequested}) and
 * waits for their results, which the supervisor writes to the worker's stdin as they finish (read by the
 * {@link StopSignal}'s thread and delivered here). A worker run without a supervisor that queues sub-jobs (a test, a
 * benchmark) has none: {@link #available()} is false and the runner does the work itself.
 */
public final class SubJobs {
    static final long POLL_MILLIS = 100;

    private final boolean available;
    private final Map<String, SubJobResult> results = new ConcurrentHashMap<>();

    private SubJobs(boolean available) {
        this.available = available;
    }

    /** Sub-jobs through the supervisor that started this worker. */
    public static SubJobs viaSupervisor() {
        return new SubJobs(true);
    }

    /** No queue to hand work to. */
    public static SubJobs none() {
        return new SubJobs(false);
    }

    public boolean available() {
        return available;
    }

    /** A line from the supervisor that is not {@code stop}: a sub-job's result; anything else is ignored. */
    void deliver(String line) {
        try {
            var result = Json.mapper().readValue(line, SubJobResult.class);
            if (result.key() != null) {
                results.put(result.key(), result);
            }
        } catch (IOException e) {
            System.err.println("worker: ignored a line from the supervisor that is no sub-job result: " + line);
        }
    }

    /**
     * Asks for the tasks and waits for all their results, in the tasks' order; each result is passed to
     * {@code onResult} as it arrives. Returns null when a stop was requested meanwhile (the sub-jobs stay queued: a
     * resumed run asks for them again and finds them done or under way).
     */
    public List<SubJobResult> run(WorkerChannel channel, List<SubJobTask> tasks, BooleanSupplier stop,
                                  java.util.function.Consumer<SubJobResult> onResult) {
        if (!available) {
            throw new IllegalStateException("this worker has no supervisor that queues sub-jobs");
        }
        if (tasks.isEmpty()) {
            return List.of();
        }
        channel.send(new WorkerMessage.SubJobsRequested(tasks));
        var waiting = new LinkedHashMap<String, SubJobTask>();
        tasks.forEach(task -> waiting.put(task.key(), task));
        var done = new LinkedHashMap<String, SubJobResult>();
        while (!waiting.isEmpty()) {
            if (stop.getAsBoolean()) {
                return null;
            }
            for (var key : new ArrayList<>(waiting.keySet())) {
                var result = results.remove(key);
                if (result != null) {
                    waiting.remove(key);
                    done.put(key, result);
                    onResult.accept(result);
                }
            }
            if (!waiting.isEmpty()) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return tasks.stream().map(task -> done.get(task.key())).toList();
    }
}
