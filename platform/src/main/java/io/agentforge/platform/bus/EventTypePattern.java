package io.agentforge.platform.bus;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A subscription pattern over event types: {@code *} matches any run of characters, everything else is literal.
 * Both bus implementations (this package's and the launcher's Redis Streams) filter with this one class so that they
 * agree on what a pattern means.
 */
public record EventTypePattern(String pattern, Pattern regex) {

    public static EventTypePattern of(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("an event type pattern must not be blank; use * for every event");
        }
        String[] literals = pattern.split("\\*", -1);
        var regex = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            if (!literals[i].isEmpty()) {
                regex.append(Pattern.quote(literals[i]));
            }
        }
        return new EventTypePattern(pattern, Pattern.compile(regex.toString()));
    }

    public boolean matches(String eventType) {
        return eventType != null && regex.matcher(eventType).matches();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
