package io.agentforge.training.worker;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of a worker JVM: {@code WorkerMain <spec.json>}. Stdout carries only protocol lines; everything
 * else a library prints is sent to stderr, which the supervisor keeps as the worker's log.
 */
public final class WorkerMain {
    public static final int EXIT_COMPLETED = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_STOPPED = 3;
    public static final int EXIT_ORPHANED = 4;
    static final long HEARTBEAT_MILLIS = 2_000;
    /** How long a worker told to terminate may take for its checkpoint; shorter than the service's stop grace. */
    static final Duration SIGTERM_GRACE = Duration.ofSeconds(15);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        PrintStream protocol = System.out;
        System.setOut(System.err);
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <worker-spec.json>");
            System.exit(EXIT_USAGE);
        }
        var channel = new WorkerChannel(protocol);
        var subJobs = SubJobs.viaSupervisor();
        var stop = StopSignal.listen(System.in, WorkerMain::orphaned, subJobs);
        var finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("worker-sigterm")
                .unstarted(() -> stopCleanly(stop, finished)));
        int code = run(Path.of(args[0]), channel, stop, subJobs);
        finished.countDown();
        System.exit(code);
    }

    /**
     * SIGTERM (a container stopping, a Ctrl-C on the process group, an operator's {@code kill}): the same as the
     * supervisor's {@code stop}, so the run checkpoints and reports {@code stopped} before the JVM goes, instead of
     * dying mid-step and costing the job an attempt. The JVM waits for that up to {@link #SIGTERM_GRACE}.
     */
    private static void stopCleanly(StopSignal stop, CountDownLatch finished) {
        if (finished.getCount() == 0) {
            return; // an ordinary exit
        }
        System.err.println("worker " + ProcessHandle.current().pid() + ": terminated; checkpointing before exit");
        stop.request();
        try {
            if (!finished.await(SIGTERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("worker " + ProcessHandle.current().pid() + ": no checkpoint within "
                        + SIGTERM_GRACE + "; exiting without one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void orphaned() {
        System.err.println("worker " + ProcessHandle.current().pid() + ": supervisor gone; halting");
        // halt, not exit: no shutdown hook may run a last training step or write a checkpoint now.
        Runtime.getRuntime().halt(EXIT_ORPHANED);
    }

    static int run(Path specFile, WorkerChannel channel, StopSignal stop) {
        return run(specFile, channel, stop, SubJobs.none());
    }

    static int run(Path specFile, WorkerChannel channel, StopSignal stop, SubJobs subJobs) {
        var heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        heartbeat.scheduleAtFixedRate(() -> channel.send(new WorkerMessage.Heartbeat(channel.lastStep())),
                HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        try {
            var spec = WorkerSpec.read(specFile);
            System.err.printf("worker %d: job %s, phase %s%s, attempt %d%n", ProcessHandle.current().pid(),
                    spec.jobId(), spec.phase(), spec.task() == null ? "" : ", task " + spec.task().kind(),
                    spec.attempt());
            var runner = PhaseRunners.of(spec);
            if (runner.isEmpty()) {
                channel.send(new WorkerMessage.Failed((spec.task() == null ? "phase " + spec.phase()
                        : "sub-job kind " + spec.task().kind()) + " is not implemented", false));
                return EXIT_FAILED;
            }
            return runner.get().run(new PhaseContext(spec, InputModels.prepare(spec), channel, stop, subJobs));
        } catch (IllegalArgumentException | RunFailure e) {
            e.printStackTrace();
            channel.send(new WorkerMessage.Failed(describe(e), false));
            return EXIT_FAILED;
        } catch (Throwable e) {
            e.printStackTrace();
            channel.send(new WorkerMessage.Failed(describe(e), true));
            return EXIT_FAILED;
        } finally {
            heartbeat.shutdownNow();
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
