package io.agentforge.platform.persistence;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where the PostgreSQL database is, parsed from {@code DATABASE_URL}. Two spellings are accepted: the URL form that
 * docker-compose files and Kubernetes secrets use ({@code postgresql://user:pass@host:5432/db}, also
 * {@code postgres://}) and a JDBC URL ({@code jdbc:postgresql://host:5432/db?user=...}), which is passed through.
 *
 * @param jdbcUrl  what the driver connects to; never contains the password of the URL form
 * @param user     the user from the URL form, or null when the JDBC URL carries its own
 * @param password the password from the URL form, or null
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    static final String VARIABLE = "DATABASE_URL";
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]\\s*(?:ssl)?password\\s*=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@\\s]*@");
    static final String EXPECTED = "postgresql://user:password@host:port/database"
            + " or jdbc:postgresql://host:port/database";

    /**
     * @throws IllegalArgumentException naming {@code DATABASE_URL} and the accepted forms when the text is neither
     */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw malformed(text, "it is empty");
        }
        var trimmed = text.trim();
        if (trimmed.startsWith("jdbc:postgresql://")) {
            return new DatabaseUrl(trimmed, null, null);
        }
        if (!trimmed.startsWith("postgresql://") && !trimmed.startsWith("postgres://")) {
            throw malformed(trimmed, "unknown scheme");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw malformed(trimmed, e.getReason());
        }
        var host = uri.getHost();
        if (host == null) {
            throw malformed(trimmed, "no host");
        }
        var database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (database.isEmpty() || database.contains("/")) {
            throw malformed(trimmed, "no database name after the host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            var info = uri.getRawUserInfo();
            var colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        var jdbc = new StringBuilder("jdbc:postgresql://").append(host.contains(":") && !host.startsWith("[")
                ? "[" + host + "]" : host);
        if (uri.getPort() != -1) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append('/').append(database);
        // Query parameters such as sslmode=require mean the same to the JDBC driver, so they pass through.
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    /**
     * The URL for logs and health details: the JDBC URL without any password, whether the URL form's or one in its
     * own query ({@code ?password=}, {@code &sslpassword=}) or user info.
     */
    @Override
    public String toString() {
        return redact(jdbcUrl) + (user == null ? "" : " (user " + user + ")");
    }

    /** Any text that may quote a database URL (a driver's error message, say) with its passwords masked. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return USER_INFO.matcher(PASSWORD_PARAMETER.matcher(text).replaceAll("$1***")).replaceAll("//***@");
    }

    private static String decode(String text) {
        // Passwords with '@' or ':' must be percent-encoded in a URL; users write them that way, so decode here.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException malformed(String text, String why) {
        // Never echo the value itself: it may hold a password.
        return new IllegalArgumentException("Invalid " + VARIABLE + " (" + why + "): expected " + EXPECTED);
    }
}
