-- Why a handoff was rejected (the next phase's job failed or was cancelled); NULL for every other status.
ALTER TABLE model_handoffs ADD COLUMN IF NOT EXISTS reason TEXT;
