-- A chart's history reads a job's metric rows in the order they were recorded, and then only the rows recorded
-- since its last read (id > the last id it saw): without this index both scan every row of the job.
CREATE INDEX IF NOT EXISTS job_metrics_job_id_idx ON job_metrics (job_id, id);
