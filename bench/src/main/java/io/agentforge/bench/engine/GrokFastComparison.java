package io.agentforge.bench.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GrokFast A/B as numbers computed from the runs, never put together by hand: per variant the median steps and
 * median seconds to 95% validation accuracy, per seed the plain/GrokFast ratio, and the ratio of the medians.
 *
 * <p>How a capped run counts: a run that did not reach 95% within its N steps is "not reached within N"; for ordering it
 * counts as N + 1 steps (and its seconds run so far), above every count that was reached. A median that falls on such
 * a run (or, for an even count, whose two middle runs include one) is itself "not reached within N", a censored value
 * known only from below. A ratio plain/GrokFast with a censored numerator is a lower bound ("&gt; x"), with a censored
 * denominator an upper bound ("&lt; x"), with both unknown ("—").
 */
public final class GrokFastComparison {
    public static final String GROKFAST = "GrokFast EMA";
    public static final String PLAIN = "plain";

    /**
     * One finished run as the comparison needs it.
     *
     * @param stepsToTarget   the first evaluation step at or above 95%, or null when not reached
     * @param secondsToTarget wall seconds from the end of the first step to that evaluation's end, or null
     * @param secondsRun      wall seconds from the end of the first step to the end of the run
     */
    public record Run(String variant, long seed, Integer stepsToTarget, int stepsRun, Double secondsToTarget,
                      double secondsRun) {
        boolean reached() {
            return stepsToTarget != null;
        }

        double steps() {
            return reached() ? stepsToTarget : stepsRun + 1;
        }

        double seconds() {
            return reached() && secondsToTarget != null ? secondsToTarget : secondsRun;
        }
    }

    /** A value that may be known only from below ({@code censored}: "not reached within"). */
    public record Value(double value, boolean censored) {
        String format(String unit) {
            String number = unit.equals("s") ? String.format(Locale.ROOT, "%.1f s", value)
                    : String.format(Locale.ROOT, "%,.0f", value);
            return censored ? "not reached within " + number : number;
        }
    }

    /** A ratio with its kind: exact, a lower bound, an upper bound, or undefined. */
    public record Ratio(double value, Bound bound) {
        public enum Bound { EXACT, LOWER, UPPER, UNDEFINED }

        static Ratio of(Value plain, Value grokfast) {
            if (plain.censored() && grokfast.censored()) {
                return new Ratio(Double.NaN, Bound.UNDEFINED);
            }
            double ratio = plain.value() / grokfast.value();
            return new Ratio(ratio, plain.censored() ? Bound.LOWER : grokfast.censored() ? Bound.UPPER : Bound.EXACT);
        }

        public String format() {
            return switch (bound) {
                case EXACT -> String.format(Locale.ROOT, "%.1fx", value);
                case LOWER -> String.format(Locale.ROOT, "> %.1fx", value);
                case UPPER -> String.format(Locale.ROOT, "< %.1fx", value);
                case UNDEFINED -> "—";
            };
        }
    }

    /** A seed with both variants: its ratios of steps and of seconds. */
    public record SeedRatio(long seed, Run grokfast, Run plain, Ratio steps, Ratio seconds) {
    }

    /**
     * @param medianSteps   per variant
     * @param medianSeconds per variant
     */
    public record Summary(Map<String, Value> medianSteps, Map<String, Value> medianSeconds, Map<String, Integer> runs,
                          List<SeedRatio> seeds, Ratio stepsRatio, Ratio secondsRatio) {
    }

    private GrokFastComparison() {
    }

    public static Summary of(List<Run> runs) {
        var medianSteps = new TreeMap<String, Value>();
        var medianSeconds = new TreeMap<String, Value>();
        var counts = new TreeMap<String, Integer>();
        for (String variant : List.of(GROKFAST, PLAIN)) {
            var own = runs.stream().filter(r -> r.variant().equals(variant)).toList();
            if (!own.isEmpty()) {
                medianSteps.put(variant, median(own, true));
                medianSeconds.put(variant, median(own, false));
                counts.put(variant, own.size());
            }
        }
        var seeds = new ArrayList<SeedRatio>();
        runs.stream().map(Run::seed).distinct().sorted().forEach(seed -> {
            var grokfast = runs.stream().filter(r -> r.seed() == seed && r.variant().equals(GROKFAST)).findFirst();
            var plain = runs.stream().filter(r -> r.seed() == seed && r.variant().equals(PLAIN)).findFirst();
            if (grokfast.isPresent() && plain.isPresent()) {
                var g = grokfast.get();
                var p = plain.get();
                seeds.add(new SeedRatio(seed, g, p,
                        Ratio.of(new Value(p.steps(), !p.reached()), new Value(g.steps(), !g.reached())),
                        Ratio.of(new Value(p.seconds(), !p.reached()), new Value(g.seconds(), !g.reached()))));
            }
        });
        Ratio steps = medianSteps.size() == 2 ? Ratio.of(medianSteps.get(PLAIN), medianSteps.get(GROKFAST))
                : new Ratio(Double.NaN, Ratio.Bound.UNDEFINED);
        Ratio seconds = medianSeconds.size() == 2 ? Ratio.of(medianSeconds.get(PLAIN), medianSeconds.get(GROKFAST))
                : new Ratio(Double.NaN, Ratio.Bound.UNDEFINED);
        return new Summary(medianSteps, medianSeconds, counts, seeds, steps, seconds);
    }

    /** The median of steps (or seconds), censored when a run it rests on did not reach the target. */
    static Value median(List<Run> runs, boolean steps) {
        var sorted = runs.stream()
                .sorted(Comparator.comparingDouble(r -> steps ? r.steps() : r.seconds())).toList();
        int n = sorted.size();
        var low = sorted.get((n - 1) / 2);
        var high = sorted.get(n / 2);
        double lowValue = steps ? low.steps() : low.seconds();
        double highValue = steps ? high.steps() : high.seconds();
        return new Value((lowValue + highValue) / 2, !low.reached() || !high.reached());
    }

    /** The comparison as markdown: per-seed ratios, medians, the ratio of medians, and how capped runs count. */
    public static String markdown(Summary summary) {
        var md = new StringBuilder();
        md.append("| seed | GrokFast steps to 95% | plain steps to 95% | ratio (steps) | GrokFast time to 95% | ")
                .append("plain time to 95% | ratio (time) |\n|---|---|---|---|---|---|---|\n");
        for (var seed : summary.seeds()) {
            md.append("| ").append(seed.seed()).append(" | ").append(steps(seed.grokfast())).append(" | ")
                    .append(steps(seed.plain())).append(" | ").append(seed.steps().format()).append(" | ")
                    .append(seconds(seed.grokfast())).append(" | ").append(seconds(seed.plain())).append(" | ")
                    .append(seed.seconds().format()).append(" |\n");
        }
        var grokfastSteps = summary.medianSteps().get(GROKFAST);
        var plainSteps = summary.medianSteps().get(PLAIN);
        md.append("| **median** (").append(summary.runs().getOrDefault(GROKFAST, 0)).append(" / ")
                .append(summary.runs().getOrDefault(PLAIN, 0)).append(" runs) | **")
                .append(grokfastSteps == null ? "—" : grokfastSteps.format("steps")).append("** | **")
                .append(plainSteps == null ? "—" : plainSteps.format("steps")).append("** | **")
                .append(summary.stepsRatio().format()).append("** (ratio of medians) | **")
                .append(format(summary.medianSeconds().get(GROKFAST))).append("** | **")
                .append(format(summary.medianSeconds().get(PLAIN))).append("** | **")
                .append(summary.secondsRatio().format()).append("** |\n\n");
        var ratios = summary.seeds().stream().map(SeedRatio::steps).filter(r -> r.bound() == Ratio.Bound.EXACT)
                .mapToDouble(Ratio::value).sorted().toArray();
        if (ratios.length > 0) {
            md.append(String.format(Locale.ROOT, "Per-seed step ratios measured exactly: %d of %d seeds, from %.1fx to %.1fx.%n%n",
                    ratios.length, summary.seeds().size(), ratios[0], ratios[ratios.length - 1]));
        }
        md.append("""
                How capped runs count: a run that did not reach 95% within its cap N is "not reached within N" and is
                ordered as N + 1 steps (its time: the seconds it ran), above every reached count. A median resting on
                such a run is "not reached within" that value; a ratio plain/GrokFast whose plain side is unreached is a
                lower bound (">"), whose GrokFast side is unreached an upper bound ("<"), and with both unreached it is
                undefined ("—"). Time to 95% is wall time from the end of the first step to the end of the evaluation
                that reached 95%, both variants of a seed measured in the same process one after the other.
                """);
        return md.toString();
    }

    private static String steps(Run run) {
        return run.reached() ? String.format(Locale.ROOT, "%,d", run.stepsToTarget())
                : String.format(Locale.ROOT, "not reached within %,d", run.stepsRun());
    }

    private static String seconds(Run run) {
        return run.reached() && run.secondsToTarget() != null ? String.format(Locale.ROOT, "%.1f s", run.secondsToTarget())
                : String.format(Locale.ROOT, "not reached within %.1f s", run.secondsRun());
    }

    private static String format(Value value) {
        return value == null ? "—" : value.format("s");
    }
}
