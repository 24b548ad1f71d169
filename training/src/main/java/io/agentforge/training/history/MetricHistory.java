package io.agentforge.training.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.agentforge.contracts.errors.NotFoundException;
import io.agentforge.contracts.training.MetricBuckets;
import io.agentforge.contracts.training.MetricColumns;
import io.agentforge.contracts.training.MetricWindow;
import io.agentforge.platform.persistence.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metric histories of recently charted jobs as columns in memory, so that a chart of a million-step run is a pass
 * over arrays rather than a million rows read and parsed per zoom. Each request first reads the rows recorded since
 * the last one (by the table's increasing id), so the columns are never staler than the database; any replica
 * answers alike. A run resumed from a checkpoint records its steps after that checkpoint again (the repository
 * drops the old ones first): a new row whose step is not after the last one cut the columns back before appending.
 * The raw rows stay in the database; the cache holds at most {@code maxBytes} of columns, dropping the least
 * recently charted job first. The rows are read through the (job_id, id) index ({@code V2__job_metrics_by_id}).
 */
public final class MetricHistory {
    private static final JsonFactory JSON = new JsonFactory();

    private final Database database;
    private final long maxBytes;
    private final Map<String, Cached> jobs = new LinkedHashMap<>(16, 0.75f, true);

    public MetricHistory(Database database, long maxBytes) {
        this.database = database;
        this.maxBytes = maxBytes;
    }

    /** @throws NotFoundException for an unknown job */
    public MetricBuckets buckets(String jobId, MetricWindow window) {
        Cached cached;
        synchronized (jobs) {
            cached = jobs.computeIfAbsent(jobId, id -> new Cached());
        }
        MetricBuckets answer;
        synchronized (cached) {
            try {
                database.withConnection(connection -> {
                    cached.catchUp(connection, jobId);
                    return null;
                });
            } catch (NotFoundException e) {
                synchronized (jobs) {
                    jobs.remove(jobId);
                }
                throw e;
            }
            answer = cached.columns.bucket(jobId, window);
        }
        evictBeyondBudget();
        return answer;
    }

    private void evictBeyondBudget() {
        synchronized (jobs) {
            long total = jobs.values().stream().mapToLong(Cached::bytes).sum();
            var oldest = jobs.entrySet().iterator();
            // The most recently used job stays, whatever its size: it is the one being charted.
            while (total > maxBytes && jobs.size() > 1 && oldest.hasNext()) {
                total -= oldest.next().getValue().bytes();
                oldest.remove();
            }
        }
    }

    /** One job's columns and the id of the last row read into them. */
    private static final class Cached {
        private final MetricColumns columns = new MetricColumns();
        private long lastId = -1;
        private boolean known;

        long bytes() {
            return columns.bytes();
        }

        void catchUp(Connection connection, String jobId) throws SQLException {
            if (!known) {
                requireExists(connection, jobId);
                known = true;
            }
            try (var select = connection.prepareStatement("SELECT id, step, recorded_at, metrics FROM job_metrics"
                    + " WHERE job_id = ? AND id > ? ORDER BY id")) {
                select.setFetchSize(10_000);
                select.setString(1, jobId);
                select.setLong(2, lastId);
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        int step = rows.getInt(2);
                        if (step <= columns.lastStep()) {
                            columns.truncate(columns.indexOf(step));
                        }
                        var recordedAt = rows.getObject(3, OffsetDateTime.class);
                        int at = columns.append(step, recordedAt == null ? 0 : recordedAt.toInstant().toEpochMilli());
                        readMetrics(rows.getString(4), at);
                        lastId = rows.getLong(1);
                    }
                }
            }
        }

        /** The row's flat {@code {"name": number}} object straight into the columns, without building a map. */
        private void readMetrics(String json, int at) {
            try (JsonParser parser = JSON.createParser(json)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var name = parser.currentName();
                    var token = parser.nextToken();
                    if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
                        columns.set(at, name, parser.getDoubleValue());
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable metrics of a job_metrics row: " + json, e);
            }
        }

        private static void requireExists(Connection connection, String jobId) throws SQLException {
            try (var select = connection.prepareStatement("SELECT 1 FROM training_jobs WHERE id = ?")) {
                select.setString(1, jobId);
                try (var rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new NotFoundException("job", jobId);
                    }
                }
            }
        }
    }
}
