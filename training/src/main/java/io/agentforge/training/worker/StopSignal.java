package io.agentforge.training.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The supervisor's request to checkpoint and exit: a {@code stop} line on stdin. The end of stdin means the same:
 * the supervisor is gone (killed with its service), and an orphan must not keep training a job that another
 * instance will take over when the lease expires.
 */
public final class StopSignal implements BooleanSupplier {
    public static final String STOP = "stop";

    private volatile boolean requested;
    private volatile boolean supervisorGone;

    /** Starts a daemon thread that watches the stream. */
    public static StopSignal listen(InputStream in) {
        var signal = new StopSignal();
        Thread.ofPlatform().daemon().name("stop-signal").start(() -> signal.watch(in));
        return signal;
    }

    private void watch(InputStream in) {
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (STOP.equals(line.trim())) {
                    requested = true;
                }
            }
        } catch (IOException e) {
            // A broken pipe is the same news as the end of the stream.
        }
        supervisorGone = true;
        requested = true;
    }

    @Override
    public boolean getAsBoolean() {
        return requested;
    }

    public boolean supervisorGone() {
        return supervisorGone;
    }
}
