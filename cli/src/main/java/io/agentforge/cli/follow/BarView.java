package io.agentforge.cli.follow;

import com.fasterxml.jackson.databind.JsonNode;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Progress bars on a terminal, one per phase (a job has one; the pipeline one per phase as it reaches them), with
 * the step, loss and learning rate, and the ETA the server estimates (the bar's own linear estimate until then).
 */
public final class BarView implements FollowView {
    /** Bars count in thousandths of the run when the server gives no step count. */
    private static final long PERMILLE = 1000;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    BarView(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** One bar and the server's latest ETA for it. */
    private static final class Lane {
        final ProgressBar bar;
        volatile Duration eta;

        Lane(String name, long max, PrintStream out) {
            this.bar = ProgressBar.builder().setTaskName(name).setInitialMax(max)
                    .setStyle(ProgressBarStyle.UNICODE_BLOCK).setUpdateIntervalMillis(200)
                    .setConsumer(new InteractiveConsoleProgressBarConsumer(out))
                    .setEtaFunction(state -> eta != null ? Optional.of(eta) : linear(state.getCurrent(),
                            state.getMax(), state.getElapsedAfterStart()))
                    .build();
        }

        private static Optional<Duration> linear(long current, long max, Duration elapsed) {
            return current <= 0 || max <= 0 ? Optional.empty()
                    : Optional.of(elapsed.multipliedBy(Math.max(0, max - current)).dividedBy(current));
        }
    }

    @Override
    public synchronized void show(JsonNode message) {
        if (ended.get()) {
            return;
        }
        var progress = Progress.of(message);
        if (!progress.isRunState()) {
            return;
        }
        var name = progress.lane().isEmpty() ? "run" : progress.lane();
        var lane = lanes.computeIfAbsent(name, key -> new Lane(key,
                progress.total() > 0 ? progress.total() : PERMILLE, out));
        if (progress.total() > 0 && lane.bar.getMax() != progress.total()) {
            lane.bar.maxHint(progress.total());
        }
        var position = progress.total() > 0 ? progress.step() : Math.round(Math.max(0, progress.fraction()) * PERMILLE);
        if (progress.isStep() || "completed".equals(progress.status())) {
            lane.bar.stepTo("completed".equals(progress.status()) ? lane.bar.getMax() : position);
        }
        if (progress.etaSeconds() >= 0) {
            lane.eta = Duration.ofMillis(Math.round(progress.etaSeconds() * 1000));
        }
        var extra = progress.isStep() ? progress.shortMetricsText() : progress.status();
        lane.bar.setExtraMessage(extra.isEmpty() ? progress.status() : extra);
    }

    @Override
    public synchronized void note(String text) {
        err.println("forge: " + text);
    }

    @Override
    public synchronized void end(Outcome outcome) {
        if (ended.getAndSet(true)) {
            return;
        }
        for (var lane : lanes.values()) {
            if (outcome.terminal() && "completed".equals(outcome.status())) {
                lane.bar.stepTo(lane.bar.getMax());
            }
            lane.bar.close();
        }
        if (outcome.terminal()) {
            out.println(LineView.endLine(outcome));
        }
        out.flush();
    }
}
