/**
 * Database plumbing that every service with data shares: the {@link io.agentforge.platform.persistence.Database}
 * (embedded H2 file by default, PostgreSQL when {@code DATABASE_URL} is set), the {@link
 * io.agentforge.platform.persistence.Schema} by which each service migrates its own tables, and the {@link
 * io.agentforge.platform.persistence.Sql} helpers. The repositories live in the services that own the data
 * (training, models, monitoring); the API and WebSocket services never use this package.
 */
package io.agentforge.platform.persistence;
