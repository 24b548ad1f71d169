-- How many models each phase has, kept by the same transactions that insert and delete models. A listing's total is
-- then one row read instead of a count over every model of its phase (12,500 index entries per phase at 100,000
-- models: most of a listing's time before this table). A phase without a row has no models.
CREATE TABLE model_counts (
    phase  VARCHAR(32) PRIMARY KEY,
    models BIGINT      NOT NULL
);

INSERT INTO model_counts (phase, models) SELECT phase, COUNT(*) FROM models GROUP BY phase;
