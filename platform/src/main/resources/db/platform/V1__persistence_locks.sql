-- The one table every service shares: named rows that a transaction locks (SELECT ... FOR UPDATE, see
-- Database.lockGate) to let one transaction at a time through a short critical section across every replica.
-- Each service inserts the rows it locks in its own schema. IF NOT EXISTS: a database created before the schemas
-- were split per service (one history, flyway_schema_history) already has the table.
CREATE TABLE IF NOT EXISTS persistence_locks (
    name VARCHAR(64) PRIMARY KEY
);
