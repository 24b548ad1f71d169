-- H2 only. H2 keeps a table's rows in the order they were inserted, and a job's blocks are inserted grain after grain
-- as the run goes: the 3,906 blocks of 256 steps that a chart of a 1,000,000-step run reads lie on as many pages,
-- each decoded whole (about 80 blocks of other grains with each) on the first read after a start. This index holds
-- every column the history reads, in (job, grain, bucket) order, and H2 answers from an index that holds all the
-- columns a query asks for without reading the rows: the same read decodes a few dozen pages of the index instead.
-- PostgreSQL does not get it: it limits the size of an index entry, which the folds of a run with many metrics pass.
CREATE INDEX IF NOT EXISTS job_metric_rollups_read
    ON job_metric_rollups (job_id, grain, bucket, points, first_step, last_step, last_at, folds);
