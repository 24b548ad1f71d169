package io.agentforge.platform.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.agentforge.contracts.Json;
import io.agentforge.contracts.Page;
import io.agentforge.contracts.PageRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The SQL the repositories share: how Java values travel in and out of the portable schema (timestamps, JSON text)
 * and how a filtered listing becomes a page with its total.
 */
public final class Sql {
    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Double>> NUMBER_MAP = new TypeReference<>() {
    };

    private Sql() {
    }

    /**
     * PostgreSQL keeps microseconds; storing exactly that precision makes a value read back equal to the one the
     * repository returned when writing it, on H2 as on PostgreSQL.
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    public static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, instant == null ? null
                : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    }

    public static Instant instant(ResultSet rows, String column) throws SQLException {
        var value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static String json(Object value) {
        return Json.write(value);
    }

    public static Map<String, Object> objectMap(String json) {
        return read(json, OBJECT_MAP);
    }

    public static Map<String, Double> numberMap(String json) {
        return read(json, NUMBER_MAP);
    }

    public static <T> T read(String json, Class<T> type) {
        return json == null ? null : Json.read(json, type);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            // Only our own code writes these columns; unreadable JSON there is corruption, not bad input.
            throw new IllegalStateException("Unreadable JSON in the database: " + e.getOriginalMessage(), e);
        }
    }

    public static void bind(PreparedStatement statement, List<?> arguments) throws SQLException {
        for (int i = 0; i < arguments.size(); i++) {
            statement.setObject(i + 1, arguments.get(i));
        }
    }

    /** Reads the rows a prepared, bound SELECT returns. */
    @FunctionalInterface
    public interface RowReader<T> {
        List<T> read(PreparedStatement select) throws SQLException;
    }

    /**
     * One page of {@code SELECT columns FROM from ORDER BY order} and the total matching rows, with the same arguments
     * bound to both queries.
     *
     * @param from  the table and its WHERE clause, e.g. {@code "models m WHERE m.phase = ?"}
     */
    public static <T> Page<T> page(Connection connection, String columns, String from, List<?> arguments, String order,
                            PageRequest page, RowReader<T> reader) throws SQLException {
        return page(connection, columns, from, arguments, order, page, reader, count(connection, from, arguments));
    }

    /** {@code SELECT COUNT(*) FROM from} with the arguments bound. */
    public static long count(Connection connection, String from, List<?> arguments) throws SQLException {
        try (var count = connection.prepareStatement("SELECT COUNT(*) FROM " + from)) {
            bind(count, arguments);
            try (var rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** As {@link #page(Connection, String, String, List, String, PageRequest, RowReader)}, with a total already known. */
    public static <T> Page<T> page(Connection connection, String columns, String from, List<?> arguments, String order,
                            PageRequest page, RowReader<T> reader, long total) throws SQLException {
        try (var select = connection.prepareStatement("SELECT " + columns + " FROM " + from + " ORDER BY " + order
                + " LIMIT ? OFFSET ?")) {
            bind(select, arguments);
            select.setInt(arguments.size() + 1, page.limit());
            select.setInt(arguments.size() + 2, page.offset());
            return new Page<>(reader.read(select), total, page.offset(), page.limit());
        }
    }
}
