package io.agentforge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs the {@code wrk} load generator (a C program, in its own process, so that the client's cost does not land in
 * the measured JVM) and reads its figures: requests per second and the latency distribution of {@code --latency}.
 */
public final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern MAX = Pattern.compile("Latency\\s+\\S+\\s+\\S+\\s+([\\d.]+)(us|ms|s)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {
    }

    /** What one run measured; latencies in milliseconds. */
    public record Result(double requestsPerSecond, double p50, double p90, double p99, double max, long non2xx,
                         String output) {
    }

    /**
     * A warm-up of 5 s at the same load (JIT, caches), then the measured run.
     *
     * @param options further wrk options before the URL, e.g. {@code "-H", "Accept-Encoding: gzip"} or
     *                {@code "-s", "script.lua"}
     */
    public static Result measure(String url, int seconds, int connections, String... options)
            throws IOException, InterruptedException {
        run(command(List.of("wrk", "-t1", "-c" + connections, "-d5s"), options, url));
        var out = run(command(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency"), options,
                url));
        var non2xx = NON_2XX.matcher(out);
        return new Result(number(RPS, out), percentile(out, "50"), percentile(out, "90"), percentile(out, "99"),
                millis(MAX, out), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, out);
    }

    private static String[] command(List<String> head, String[] options, String url) {
        var command = new ArrayList<>(head);
        command.addAll(List.of(options));
        command.add(url);
        return command.toArray(String[]::new);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static double number(Pattern pattern, String text) {
        var m = pattern.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static double percentile(String text, String percent) {
        return millis(Pattern.compile("\\s" + percent + "%\\s+([\\d.]+)(us|ms|s)"), text);
    }

    private static double millis(Pattern pattern, String text) {
        var m = pattern.matcher(text);
        if (!m.find()) {
            return Double.NaN;
        }
        var value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
