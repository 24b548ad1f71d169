-- The W3C trace context of the request that submitted a job, so that the job's events and logs, written later by
-- whichever replica runs it, join that request's trace. NULL for jobs submitted before it was recorded.
ALTER TABLE training_jobs ADD COLUMN traceparent VARCHAR(128);
