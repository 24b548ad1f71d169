package io.agentforge.contracts.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The caller sent something we cannot accept; the message names the field and what was expected (HTTP 400).
 */
public final class InvalidRequestException extends ServiceException {
    private final String field;
    private final String expected;

    /**
     * @param field    the offending field, parameter or variable, as the caller spelled it
     * @param expected what would have been accepted, e.g. "an integer from 1 to 1000"
     * @param actual   what was received (may be null)
     */
    public InvalidRequestException(String field, String expected, Object actual) {
        super("invalid " + field + ": expected " + expected + ", got " + describe(actual));
        this.field = field;
        this.expected = expected;
    }

    /** For a problem that is not about one value, e.g. a malformed body. */
    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
        this.expected = null;
    }

    public String field() {
        return field;
    }

    public String expected() {
        return expected;
    }

    @Override
    public Map<String, Object> details() {
        var details = new LinkedHashMap<String, Object>();
        details.put("field", field);
        if (expected != null) {
            details.put("expected", expected);
        }
        return details;
    }

    private static String describe(Object actual) {
        if (actual == null) {
            return "nothing";
        }
        var text = actual instanceof CharSequence ? "\"" + actual + "\"" : String.valueOf(actual);
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
