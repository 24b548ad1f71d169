package io.agentforge.training.supervisor;

import io.agentforge.contracts.Json;
import io.agentforge.training.worker.StopSignal;
import io.agentforge.training.worker.WorkerMessage;
import io.agentforge.training.worker.WorkerSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker JVM: its messages go to a listener (on a virtual thread of their own), its stderr to a log file
 * in the job directory, and {@link #exit()} completes after the process ended <em>and</em> its last line was read.
 */
public final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    private final Process process;
    private final Path logFile;
    private final CompletableFuture<WorkerExit> exit = new CompletableFuture<>();
    private volatile Instant lastHeard = Instant.now();
    private volatile WorkerMessage lastTerminal;

    private WorkerProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** Writes the spec, starts the JVM and begins reading its output. */
    public static WorkerProcess start(WorkerLaunch launch, WorkerSpec spec, Consumer<WorkerMessage> listener) {
        var specFile = spec.write();
        var logFile = WorkerLog.of(spec);
        var builder = new ProcessBuilder(launch.command(specFile))
                .directory(spec.jobDir().toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        launch.environment(builder.environment());
        try {
            var worker = new WorkerProcess(builder.start(), logFile);
            Thread.ofPlatform().daemon().name("worker-" + spec.jobId()).start(() -> worker.read(listener));
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a worker for job " + spec.jobId(), e);
        }
    }

    private void read(Consumer<WorkerMessage> listener) {
        var stray = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lastHeard = Instant.now();
                var message = parse(line);
                if (message == null) {
                    stray.add(line);
                    continue;
                }
                if (message instanceof WorkerMessage.Completed || message instanceof WorkerMessage.Stopped
                        || message instanceof WorkerMessage.Failed) {
                    lastTerminal = message;
                }
                deliver(listener, message);
            }
        } catch (IOException e) {
            stray.add("(reading the worker's output failed: " + e + ")");
        }
        appendToLog(stray);
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        exit.complete(new WorkerExit(code, lastTerminal, logTail()));
    }

    private static void deliver(Consumer<WorkerMessage> listener, WorkerMessage message) {
        try {
            listener.accept(message);
        } catch (RuntimeException e) {
            // A failing listener (say, the database is briefly away) must not stop us reading: the pipe would fill
            // and block the worker.
            LOG.warn("handling a worker message failed", e);
        }
    }

    private static WorkerMessage parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return Json.mapper().readValue(line, WorkerMessage.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Lines a native library printed to stdout are not protocol; they belong in the log. */
    private void appendToLog(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.write(logFile, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("could not append to {}", logFile, e);
        }
    }

    /** Asks the worker to checkpoint and exit. */
    public void requestStop() {
        send(StopSignal.STOP);
    }

    /** Writes one line to the worker's stdin (a stop, a sub-job's result); lines from several threads stay whole. */
    public synchronized void send(String line) {
        try {
            var stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            // Already gone: its exit is handled like any other.
        }
    }

    /** Closes the worker's stdin, as the operating system does when this process dies: the worker stops. */
    public void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /** SIGKILL: for a worker that did not stop within its deadline, or hung. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Asks the worker to stop and kills it if it has not exited within the grace period. */
    public void stop(Duration grace) {
        if (grace.isZero()) {
            kill();
            return;
        }
        requestStop();
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (process.isAlive()) {
                        LOG.warn("worker {} did not stop within {}; killing it", pid(), grace);
                        kill();
                    }
                });
    }

    public CompletableFuture<WorkerExit> exit() {
        return exit;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** When the worker last wrote a line (heartbeats included). */
    public Instant lastHeard() {
        return lastHeard;
    }

    String logTail() {
        return WorkerLog.tail(logFile);
    }
}
