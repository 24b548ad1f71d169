-- Pipeline runs (SPEC section 4): the eight phases in order, driven by one Training replica at a time under a lease,
-- so that a run continues after the process driving it dies. Portable SQL (H2 in MODE=PostgreSQL and PostgreSQL 14+).

-- Starting a run checks that none is running and inserts it as one step under this gate.
INSERT INTO persistence_locks (name)
    SELECT 'pipeline_runs' FROM (VALUES (1)) AS one (x)
    WHERE NOT EXISTS (SELECT 1 FROM persistence_locks WHERE name = 'pipeline_runs');

CREATE TABLE IF NOT EXISTS pipeline_runs (
    id               VARCHAR(64)              PRIMARY KEY,
    status           VARCHAR(16)              NOT NULL,
    parameters       TEXT                     NOT NULL,
    phase_overrides  TEXT                     NOT NULL,
    current_phase    VARCHAR(32)              NOT NULL,
    message          TEXT                     NOT NULL DEFAULT '',
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    -- A reset clears the pipeline's state: cleared runs are kept as history but no longer shown.
    cleared          BOOLEAN                  NOT NULL DEFAULT FALSE,
    lease_owner      VARCHAR(255),
    lease_expires_at TIMESTAMP WITH TIME ZONE,
    traceparent      VARCHAR(128),
    CONSTRAINT pipeline_runs_status_check CHECK (status IN ('running', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX IF NOT EXISTS pipeline_runs_created_idx ON pipeline_runs (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS pipeline_runs_status_idx ON pipeline_runs (status);

-- One row per phase a run reached: 'starting' until its job is queued (a driver that died in between adopts the
-- job it finds), then the job's status, or 'refused' when the Training service would not run the phase.
CREATE TABLE IF NOT EXISTS pipeline_steps (
    run_id          VARCHAR(64)              NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    phase           VARCHAR(32)              NOT NULL,
    position        INTEGER                  NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    job_id          VARCHAR(64),
    winner_model_id VARCHAR(128),
    message         TEXT                     NOT NULL DEFAULT '',
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, phase)
);
