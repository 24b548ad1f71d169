-- A chart of a long run must not read every raw point: each recorded point is also folded, in the same
-- transaction, into one block per grain (2^grain consecutive steps: 4, 16, 64 ... 65,536), holding per metric the
-- min, max and last value of the block's points. A bucketed history reads the coarsest grain that still gives the
-- buckets asked for (a few thousand rows for a run of a million steps) and raw rows only at a window's edges and
-- for small windows. The raw history in job_metrics stays the truth; these rows can be rebuilt from it.
CREATE TABLE IF NOT EXISTS job_metric_rollups (
    job_id     VARCHAR(64) NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    grain      SMALLINT    NOT NULL,
    bucket     INTEGER     NOT NULL,
    points     INTEGER     NOT NULL,
    first_step INTEGER     NOT NULL,
    last_step  INTEGER     NOT NULL,
    last_at    BIGINT      NOT NULL,
    folds      TEXT        NOT NULL,
    PRIMARY KEY (job_id, grain, bucket)
);
-- Jobs recorded before this migration have raw points but no blocks: FALSE makes the first chart read of such a job
-- build its blocks from its raw rows (once). Jobs created from now on record their blocks as they go.
ALTER TABLE training_jobs ADD COLUMN IF NOT EXISTS metrics_rolled_up BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE training_jobs ALTER COLUMN metrics_rolled_up SET DEFAULT TRUE;
