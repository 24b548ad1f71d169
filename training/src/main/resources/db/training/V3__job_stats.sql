-- A completed job's phase_stats.json (the stats contract of PHASES.md), as its run wrote it beside its models, with
-- the ids of the models it saved: served as the job's `stats`.
CREATE TABLE IF NOT EXISTS job_stats (
    job_id VARCHAR(64) PRIMARY KEY REFERENCES training_jobs (id) ON DELETE CASCADE,
    stats  TEXT        NOT NULL
);
