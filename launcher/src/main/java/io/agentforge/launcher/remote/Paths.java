package io.agentforge.launcher.remote;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Builds request paths from caller-supplied values, always encoded, so an id can never change the route. */
final class Paths {
    private Paths() {
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path?k=v&...} with null values left out; arguments alternate name, value. */
    static String query(String path, Object... namesAndValues) {
        var joiner = new StringJoiner("&", path + "?", "").setEmptyValue(path);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                joiner.add(namesAndValues[i] + "=" + segment(String.valueOf(namesAndValues[i + 1])));
            }
        }
        return joiner.toString();
    }
}
