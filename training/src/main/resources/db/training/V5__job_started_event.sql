-- The bus id of a run's first training_started event, so that any client can replay a finished run from its events
-- (a WebSocket subscription with since = it), not only a page that happened to watch it start. NULL for jobs that
-- never started and for those started before it was recorded.
ALTER TABLE training_jobs ADD COLUMN IF NOT EXISTS started_event_id VARCHAR(64);
