package io.agentforge.models.storage;

import io.agentforge.contracts.errors.InvalidRequestException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The rules for every caller-supplied string that names something on disk or in the registry. Allow-lists, not
 * deny-lists: a name is letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit, so
 * {@code ..}, separators (both slashes), drive letters, NUL and other control characters can never pass.
 */
public final class SafeNames {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:=+-]{0,63}");
    /** The column holds 64 characters (as every id column does); a longer id would pass here and fail there, a 500. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private SafeNames() {
    }

    /** A model, export or handoff id: a lower-case UUID, as this service issues them. */
    public static String id(String field, String value) {
        if (value == null || !UUID.matcher(value).matches()) {
            throw new InvalidRequestException(field, "a lower-case UUID such as 123e4567-e89b-42d3-a456-426614174000",
                    value);
        }
        return value;
    }

    /** A model name: one path segment's worth of safe characters, at most 128. */
    public static String name(String value) {
        return match("name", NAME, "1 to 128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit", value);
    }

    public static String tag(String value) {
        return match("tags", TAG, "1 to 64 characters of A-Z a-z 0-9 . _ : = + -, starting with a letter or digit",
                value);
    }

    public static String trainingJobId(String value) {
        return match("training_job_id", JOB_ID,
                "1 to 64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit", value);
    }

    /**
     * Resolves a relative path under a root and proves it stays there: the last line of defence behind the
     * allow-lists above, for paths that were stored earlier (e.g. {@code file_path} read back from the database).
     */
    public static Path within(Path root, String relative) {
        if (relative == null || relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            throw new InvalidRequestException("file_path", "a relative path under the storage root", relative);
        }
        var normalisedRoot = root.toAbsolutePath().normalize();
        Path candidate;
        try {
            var rel = Path.of(relative);
            if (rel.isAbsolute()) {
                throw new InvalidRequestException("file_path", "a relative path under the storage root", relative);
            }
            candidate = normalisedRoot.resolve(rel).normalize();
        } catch (InvalidPathException e) {
            throw new InvalidRequestException("file_path", "a relative path under the storage root", relative);
        }
        if (!candidate.startsWith(normalisedRoot) || candidate.equals(normalisedRoot)) {
            throw new InvalidRequestException("file_path", "a relative path under the storage root", relative);
        }
        return candidate;
    }

    private static String match(String field, Pattern pattern, String expected, String value) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new InvalidRequestException(field, expected, value);
        }
        return value;
    }
}
