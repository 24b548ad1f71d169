-- Sub-jobs: parts of a job's work (an ADAS candidate) queued on the same table, so that any replica can run them.
-- A sub-job names its parent and its task (JSON), and its key names it within the parent: a task asked for again
-- (the parent resumed) is the same row, done or under way. Phase jobs have NULL in all three.
ALTER TABLE training_jobs ADD COLUMN IF NOT EXISTS parent_job_id VARCHAR(64);
ALTER TABLE training_jobs ADD COLUMN IF NOT EXISTS task_key VARCHAR(255);
ALTER TABLE training_jobs ADD COLUMN IF NOT EXISTS task TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS training_jobs_task_idx ON training_jobs (parent_job_id, task_key);
