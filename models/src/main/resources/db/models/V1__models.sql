-- The Model service's tables: model metadata, tags, lineage, handoffs and the per-phase counts.
-- Portable SQL (H2 in MODE=PostgreSQL and PostgreSQL 14+); see db/platform/README.md for the conventions.
-- Written so that it also runs on a database created before the schemas were split per service, where these
-- tables already exist (possibly without model_counts): IF NOT EXISTS everywhere, nothing dropped.

-- The registry's gate, so that versions per name and the winner per phase are decided one at a time.
INSERT INTO persistence_locks (name)
    SELECT 'model_registry' FROM (VALUES (1)) AS one (x)
    WHERE NOT EXISTS (SELECT 1 FROM persistence_locks WHERE name = 'model_registry');

CREATE TABLE IF NOT EXISTS models (
    id              VARCHAR(64)              PRIMARY KEY,
    name            VARCHAR(255)             NOT NULL,
    phase           VARCHAR(32)              NOT NULL,
    version         INTEGER                  NOT NULL,
    file_path       TEXT                     NOT NULL,
    file_size       BIGINT                   NOT NULL,
    checksum        VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    training_job_id VARCHAR(64),
    parameters      TEXT                     NOT NULL,
    metrics         TEXT                     NOT NULL,
    -- parameters.parameter_count copied out, so that a listing's summary can add it up without parsing JSON.
    parameter_count BIGINT,
    -- The phase when this model is its phase's winner, NULL otherwise (is_winner = winner_phase IS NOT NULL).
    -- A UNIQUE column allows many NULLs but one row per phase on both H2 and PostgreSQL, which gives
    -- "one winner per phase" in the schema itself without PostgreSQL-only partial indexes.
    winner_phase    VARCHAR(32),
    CONSTRAINT models_name_version_key UNIQUE (name, version),
    CONSTRAINT models_winner_phase_key UNIQUE (winner_phase),
    CONSTRAINT models_winner_phase_check CHECK (winner_phase IS NULL OR winner_phase = phase)
);
-- GET /models?phase= newest first, the listing the 100,000-model benchmark measures; id breaks ties.
CREATE INDEX IF NOT EXISTS models_phase_created_idx ON models (phase, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS models_created_idx ON models (created_at DESC, id DESC);
-- The listing's total and summary (COUNT, SUM(parameter_count)) by phase as an index-only scan: measured on
-- PostgreSQL with 100,000 models, 12,500 per phase, 2.6 ms instead of 15 ms through the wider listing index.
CREATE INDEX IF NOT EXISTS models_phase_summary_idx ON models (phase, parameter_count);
CREATE INDEX IF NOT EXISTS models_training_job_idx ON models (training_job_id);

-- Tags in their own table, so that a tag filter is an index lookup rather than a scan through JSON.
CREATE TABLE IF NOT EXISTS model_tags (
    model_id VARCHAR(64)  NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    tag      VARCHAR(255) NOT NULL,
    position INTEGER      NOT NULL,
    PRIMARY KEY (model_id, tag)
);
CREATE INDEX IF NOT EXISTS model_tags_tag_idx ON model_tags (tag, model_id);

-- Lineage: the models a model was derived from (merges have several). Deleting either side removes the link.
CREATE TABLE IF NOT EXISTS model_parents (
    model_id  VARCHAR(64) NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    parent_id VARCHAR(64) NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    position  INTEGER     NOT NULL,
    PRIMARY KEY (model_id, parent_id)
);
CREATE INDEX IF NOT EXISTS model_parents_parent_idx ON model_parents (parent_id);

CREATE TABLE IF NOT EXISTS model_handoffs (
    id         VARCHAR(64)              PRIMARY KEY,
    from_phase VARCHAR(32)              NOT NULL,
    to_phase   VARCHAR(32)              NOT NULL,
    model_id   VARCHAR(64)              NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    status     VARCHAR(32)              NOT NULL
);
CREATE INDEX IF NOT EXISTS model_handoffs_model_idx ON model_handoffs (model_id);
CREATE INDEX IF NOT EXISTS model_handoffs_created_idx ON model_handoffs (created_at DESC, id DESC);

-- How many models each phase has, kept by the same transactions that insert and delete models. A listing's total is
-- then one row read instead of a count over every model of its phase (12,500 index entries per phase at 100,000
-- models: most of a listing's time before this table). A phase without a row has no models.
CREATE TABLE IF NOT EXISTS model_counts (
    phase  VARCHAR(32) PRIMARY KEY,
    models BIGINT      NOT NULL
);
-- Filled from the models once, when the table is new (an older database may hold models but no counts yet).
INSERT INTO model_counts (phase, models)
    SELECT phase, COUNT(*) FROM models
    WHERE NOT EXISTS (SELECT 1 FROM model_counts)
    GROUP BY phase;
