package io.agentforge.training.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The supervisor's request to checkpoint and exit: a {@code stop} line on stdin (the supervisor's other lines are
 * sub-job results, handed to {@link SubJobs}). The end of stdin means the
 * supervisor is gone (killed with its service): the worker then halts at once, without a checkpoint. Another
 * instance takes the job over when the lease expires and continues from the last periodic checkpoint, whose steps
 * the dead supervisor had already recorded; an orphan that went on training would write steps nobody records and
 * race the new worker for the checkpoint file.
 */
public final class StopSignal implements BooleanSupplier {
    public static final String STOP = "stop";

    private volatile boolean requested;

    /** Starts a daemon thread that watches the stream. */
    public static StopSignal listen(InputStream in, Runnable onSupervisorGone) {
        return listen(in, onSupervisorGone, SubJobs.none());
    }

    /** Starts a daemon thread that watches the stream; the supervisor's other lines (JSON) go to {@code subJobs}. */
    public static StopSignal listen(InputStream in, Runnable onSupervisorGone, SubJobs subJobs) {
        var signal = new StopSignal();
        Thread.ofPlatform().daemon().name("stop-signal").start(() -> {
            signal.watch(in, subJobs);
            onSupervisorGone.run();
        });
        return signal;
    }

    private void watch(InputStream in, SubJobs subJobs) {
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                var text = line.trim();
                if (STOP.equals(text)) {
                    requested = true;
                } else if (text.startsWith("{")) {
                    subJobs.deliver(text);
                }
            }
        } catch (IOException e) {
            // A broken pipe is the same news as the end of the stream.
        }
        requested = true;
    }

    /** Asks for the stop from within the worker's JVM (as a test does, at an exact point of a run). */
    void request() {
        requested = true;
    }

    @Override
    public boolean getAsBoolean() {
        return requested;
    }
}
