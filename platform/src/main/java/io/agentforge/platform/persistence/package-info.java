/**
 * Persistence: the {@link io.agentforge.platform.persistence.Database} (embedded H2 file by default, PostgreSQL when
 * {@code DATABASE_URL} is set; one Flyway-managed schema described in {@code db/migration/README.md}) and plain-JDBC
 * repositories for training jobs and their metric history, model metadata, and alerts, which return contract records.
 * Services depend on it; nothing in {@code contracts} or the engine may.
 */
package io.agentforge.platform.persistence;
