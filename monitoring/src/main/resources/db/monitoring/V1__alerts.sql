-- The Monitoring service's table: alerts, open and resolved.
-- Portable SQL (H2 in MODE=PostgreSQL and PostgreSQL 14+); see db/platform/README.md for the conventions.
-- Written so that it also runs on a database created before the schemas were split per service, where the table
-- already exists: IF NOT EXISTS everywhere, nothing dropped.
CREATE TABLE IF NOT EXISTS alerts (
    alert_id    VARCHAR(64)              PRIMARY KEY,
    severity    VARCHAR(16)              NOT NULL,
    service     VARCHAR(64)              NOT NULL,
    message     TEXT                     NOT NULL,
    raised_at   TIMESTAMP WITH TIME ZONE NOT NULL, -- Alert.timestamp
    resolved    BOOLEAN                  NOT NULL DEFAULT FALSE,
    resolved_at TIMESTAMP WITH TIME ZONE,
    metadata    TEXT                     NOT NULL,
    rule        VARCHAR(255),
    CONSTRAINT alerts_severity_check CHECK (severity IN ('info', 'warning', 'error', 'critical'))
);
CREATE INDEX IF NOT EXISTS alerts_resolved_timestamp_idx ON alerts (resolved, raised_at DESC);
CREATE INDEX IF NOT EXISTS alerts_rule_service_idx ON alerts (rule, service, resolved);
