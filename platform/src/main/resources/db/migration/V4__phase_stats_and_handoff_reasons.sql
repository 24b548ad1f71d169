-- Why a handoff was rejected (its next phase's job failed); NULL for every other status.
ALTER TABLE model_handoffs ADD COLUMN reason TEXT;

-- A completed job's phase_stats.json (the stats contract of PHASES.md), as written beside its models.
CREATE TABLE job_stats (
    job_id VARCHAR(64) PRIMARY KEY REFERENCES training_jobs (id) ON DELETE CASCADE,
    stats  TEXT        NOT NULL
);
