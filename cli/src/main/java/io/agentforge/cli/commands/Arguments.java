package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.contracts.Json;
import picocli.CommandLine;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Parsers of argument values shared by several commands. */
final class Arguments {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Arguments() {
    }

    /** {@code --timeout}: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, a plain number of seconds or ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            return duration(text);
        }
    }

    static Duration duration(String text) {
        var value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt")) {
                return Duration.parse(value);
            }
            if (value.matches("\\d+(\\.\\d+)?")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
            }
            var matcher = DURATION.matcher(value);
            var total = Duration.ZERO;
            var end = 0;
            while (matcher.find() && matcher.start() == end) {
                var amount = Double.parseDouble(matcher.group(1));
                var millis = switch (matcher.group(2)) {
                    case "ms" -> amount;
                    case "s" -> amount * 1000;
                    case "m" -> amount * 60_000;
                    default -> amount * 3_600_000;
                };
                total = total.plusMillis(Math.round(millis));
                end = matcher.end();
            }
            if (end == value.length() && end > 0) {
                return total;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException("expected a duration like 500ms, 30s, 5m or 1h30m, got \""
                + text + "\"");
    }

    /**
     * {@code --param k=v} pairs as a JSON object: a value that reads as JSON (a number, true/false, a list) keeps
     * that type, anything else is a string. {@code max_steps=40} sends the number 40.
     */
    static Map<String, Object> parameters(List<String> pairs) {
        var parameters = new LinkedHashMap<String, Object>();
        for (var pair : pairs == null ? List.<String>of() : pairs) {
            var equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--param: expected key=value, got \"" + pair + "\"");
            }
            parameters.put(pair.substring(0, equals).strip(), value(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static Object value(String text) {
        try {
            JsonNode node = Json.mapper().readTree(text);
            if (node != null && (node.isNumber() || node.isBoolean() || node.isArray() || node.isObject())) {
                return node;
            }
        } catch (IOException e) {
            // not JSON: a string
        }
        return text;
    }
}
