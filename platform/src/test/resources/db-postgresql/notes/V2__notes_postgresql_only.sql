-- A migration of the test schema for PostgreSQL only: H2 skips version 2.
CREATE TABLE IF NOT EXISTS notes_postgresql_only (id VARCHAR(16) PRIMARY KEY);
