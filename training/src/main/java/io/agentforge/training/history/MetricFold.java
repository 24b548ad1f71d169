package io.agentforge.training.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Consecutive points of a job's history folded into one: how many, the first and last step, the last point's time,
 * and per metric the min, max and last value (the last of the points that measured it). A stored block of
 * {@code job_metric_rollups} is one, and so is a bucket of an answer: folding blocks in step order gives the same
 * fold as folding their points, so a spike survives as a max however coarse the grain.
 */
final class MetricFold {
    private static final JsonFactory JSON = new JsonFactory();

    private int points;
    private int firstStep;
    private int lastStep;
    private long lastAt;
    /** name → {min, max, last} */
    private final Map<String, double[]> metrics = new LinkedHashMap<>();

    int points() {
        return points;
    }

    int firstStep() {
        return firstStep;
    }

    int lastStep() {
        return lastStep;
    }

    long lastAt() {
        return lastAt;
    }

    Map<String, double[]> metrics() {
        return metrics;
    }

    boolean isEmpty() {
        return points == 0;
    }

    /** Folds in one recorded point, which comes after every point folded so far. */
    void add(int step, long at, Map<String, Double> values) {
        span(1, step, step, at);
        values.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) {
                fold(name, value, value, value);
            }
        });
    }

    /** Folds in a point whose values are read straight from its JSON text, without building a map. */
    void add(int step, long at, String json) {
        span(1, step, step, at);
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                var name = parser.currentName();
                var token = parser.nextToken();
                if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
                    double value = parser.getDoubleValue();
                    fold(name, value, value, value);
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable metrics of a job_metrics row: " + json, e);
        }
    }

    /** Folds in a fold of later points. */
    void add(MetricFold later) {
        span(later.points, later.firstStep, later.lastStep, later.lastAt);
        later.metrics.forEach((name, fold) -> fold(name, fold[0], fold[1], fold[2]));
    }

    /** A stored block: its counts and its {@code {"name":[min,max,last]}} text. */
    static MetricFold stored(int points, int firstStep, int lastStep, long lastAt, String folds) {
        var block = new MetricFold();
        block.span(points, firstStep, lastStep, lastAt);
        try (JsonParser parser = JSON.createParser(folds)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                var name = parser.currentName();
                var triple = new double[3];
                parser.nextToken();
                for (int i = 0; i < 3; i++) {
                    parser.nextToken();
                    triple[i] = parser.getDoubleValue();
                }
                parser.nextToken();
                block.metrics.put(name, triple);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable folds of a job_metric_rollups row: " + folds, e);
        }
        return block;
    }

    /** The per-metric folds as stored: {@code {"loss":[min,max,last],...}}. */
    String foldsText() {
        var text = new StringWriter(32 + 48 * metrics.size());
        try (var json = JSON.createGenerator(text)) {
            json.writeStartObject();
            for (var entry : metrics.entrySet()) {
                json.writeArrayFieldStart(entry.getKey());
                for (double value : entry.getValue()) {
                    json.writeNumber(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private void span(int count, int first, int last, long at) {
        if (points == 0) {
            firstStep = first;
        }
        points += count;
        lastStep = last;
        lastAt = at;
    }

    private void fold(String name, double min, double max, double last) {
        var fold = metrics.get(name);
        if (fold == null) {
            metrics.put(name, new double[] {min, max, last});
        } else {
            fold[0] = Math.min(fold[0], min);
            fold[1] = Math.max(fold[1], max);
            fold[2] = last;
        }
    }
}
