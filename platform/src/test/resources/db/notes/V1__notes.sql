-- A schema of the platform's tests: one small table of one pretend service, to exercise migration, transactions
-- and health without any real service's tables.
CREATE TABLE notes (
    id   VARCHAR(64) PRIMARY KEY,
    body VARCHAR(16) NOT NULL,
    CONSTRAINT notes_body_check CHECK (body <> 'forbidden')
);
