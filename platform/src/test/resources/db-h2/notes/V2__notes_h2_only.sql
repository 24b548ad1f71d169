-- A migration of the test schema for H2 only: PostgreSQL skips version 2.
CREATE TABLE IF NOT EXISTS notes_h2_only (id VARCHAR(16) PRIMARY KEY);
