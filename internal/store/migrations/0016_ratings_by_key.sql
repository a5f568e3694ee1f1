-- A person's ratings in a cycle are read together on every view of their assessment, some
-- seventy rows. SQLite kept them in a table of its own order and found each through the
-- primary key's index: a look-up of the table for every row. Kept in the key's own order
-- (WITHOUT ROWID), they are one range of one b-tree. PostgreSQL reads them by its index as
-- before.
--- sqlite ---
CREATE TABLE assessment_ratings_by_key (
    cycle_id    BIGINT NOT NULL REFERENCES assessment_cycles (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    side        TEXT NOT NULL CHECK (side IN ('self', 'manager')),
    level       TEXT NOT NULL,
    expectation TEXT NOT NULL,
    rating      TEXT NOT NULL DEFAULT '',
    score       INTEGER,
    evidence    TEXT NOT NULL DEFAULT '',
    updated_by  BIGINT,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, person_id, side, level, expectation)
) WITHOUT ROWID;
INSERT INTO assessment_ratings_by_key (cycle_id, person_id, side, level, expectation, rating, score, evidence, updated_by, updated_at)
    SELECT cycle_id, person_id, side, level, expectation, rating, score, evidence, updated_by, updated_at FROM assessment_ratings;
DROP TABLE assessment_ratings;
ALTER TABLE assessment_ratings_by_key RENAME TO assessment_ratings;
CREATE INDEX assessment_ratings_side ON assessment_ratings (cycle_id, side, person_id);
