package io.agentforge.engine.grokfast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Amplifies the slow component of each parameter's gradient, in place. Keeps one buffer per parameter (EMA) or
 * {@code window} of them (moving average) in its own manager; every temporary it makes is closed at once, so the
 * number of live arrays stays flat.
 */
public abstract sealed class GrokFastFilter implements AutoCloseable {

    private static final String PREFIX = "grokfast/";

    protected final NDManager manager = NDManager.newBaseManager();
    protected long steps;

    /** A filter for the settings, or null when they are {@link GrokFastSettings.Off}. */
    public static GrokFastFilter of(GrokFastSettings settings) {
        return switch (settings) {
            case GrokFastSettings.Off off -> null;
            case GrokFastSettings.Ema ema -> new EmaFilter(ema);
            case GrokFastSettings.MovingAverage ma -> new MovingAverageFilter(ma);
        };
    }

    /** Filters the gradients (parameter name to gradient) in place. */
    public abstract void apply(Map<String, NDArray> gradients);

    /** Steps filtered so far. */
    public long steps() {
        return steps;
    }

    /** The buffers, named for a checkpoint; the arrays are live, do not close them. */
    public abstract NDList state();

    /** Replaces the buffers and step count with a checkpoint's. */
    public abstract void restore(NDList state, long steps);

    /** Adds {@code lambda * slow} to {@code gradient}; the scaled copy lands in {@code slow}'s manager, so close it. */
    protected static void amplify(NDArray gradient, NDArray slow, double lambda) {
        try (NDArray scaled = slow.mul(lambda)) {
            gradient.addi(scaled);
        }
    }

    protected NDArray keep(NDArray array, String name) {
        NDArray copy = array.duplicate();
        copy.attach(manager);
        copy.setName(name);
        return copy;
    }

    protected static String parameterOf(String stateName) {
        return stateName.substring(stateName.indexOf('/', PREFIX.length()) + 1);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Exponential moving average: {@code ema = alpha*ema + (1-alpha)*g; g += lambda*ema}; the first ema is g itself. */
    public static final class EmaFilter extends GrokFastFilter {

        private final GrokFastSettings.Ema settings;
        private final Map<String, NDArray> ema = new HashMap<>();

        EmaFilter(GrokFastSettings.Ema settings) {
            this.settings = settings;
        }

        @Override
        public void apply(Map<String, NDArray> gradients) {
            steps++;
            gradients.forEach((name, gradient) -> {
                NDArray average = ema.get(name);
                if (average == null) {
                    // As in the paper's code: the average starts at the first gradient, not at zero.
                    ema.put(name, keep(gradient, PREFIX + "ema/" + name));
                } else {
                    average.muli(settings.alpha());
                    try (NDArray fresh = gradient.mul(1 - settings.alpha())) {
                        average.addi(fresh);
                    }
                }
                if (steps > settings.warmupSteps()) {
                    amplify(gradient, ema.get(name), settings.lambda());
                }
            });
        }

        /** The current average of a parameter's gradient, or null before the first step. */
        public NDArray average(String parameter) {
            return ema.get(parameter);
        }

        @Override
        public NDList state() {
            return new NDList(ema.values());
        }

        @Override
        public void restore(NDList state, long steps) {
            ema.values().forEach(NDArray::close);
            ema.clear();
            for (NDArray array : state) {
                ema.put(parameterOf(array.getName()), keep(array, array.getName()));
            }
            this.steps = steps;
        }
    }

    /** Moving average over the last {@code window} gradients: {@code g += lambda * mean(window)}. */
    public static final class MovingAverageFilter extends GrokFastFilter {

        private final GrokFastSettings.MovingAverage settings;
        private final Map<String, ArrayDeque<NDArray>> windows = new HashMap<>();

        MovingAverageFilter(GrokFastSettings.MovingAverage settings) {
            this.settings = settings;
        }

        @Override
        public void apply(Map<String, NDArray> gradients) {
            steps++;
            gradients.forEach((name, gradient) -> {
                var window = windows.computeIfAbsent(name, n -> new ArrayDeque<>());
                window.addLast(keep(gradient, name));
                if (window.size() > settings.window()) {
                    window.removeFirst().close();
                }
                if (!settings.warmup() || window.size() == settings.window()) {
                    try (NDArray mean = sum(window)) {
                        mean.divi(window.size());
                        amplify(gradient, mean, settings.lambda());
                    }
                }
            });
        }

        private static NDArray sum(ArrayDeque<NDArray> window) {
            NDArray total = null;
            for (NDArray g : window) {
                if (total == null) {
                    total = g.duplicate();
                } else {
                    total.addi(g);
                }
            }
            return total;
        }

        // Names carry the slot, oldest first, so that restore rebuilds the same order.
        @Override
        public NDList state() {
            var list = new NDList();
            windows.forEach((name, window) -> {
                int slot = 0;
                for (NDArray g : window) {
                    g.setName(PREFIX + "ma" + String.format("%04d", slot++) + "/" + name);
                    list.add(g);
                }
            });
            return list;
        }

        @Override
        public void restore(NDList state, long steps) {
            windows.values().forEach(w -> w.forEach(NDArray::close));
            windows.clear();
            state.stream()
                    .sorted(Comparator.comparing(NDArray::getName))
                    .forEach(array -> windows.computeIfAbsent(parameterOf(array.getName()), n -> new ArrayDeque<>())
                            .addLast(keep(array, array.getName())));
            this.steps = steps;
        }
    }
}
