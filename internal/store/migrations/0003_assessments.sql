-- Assessment cycles: self and manager ratings of each expectation of a person's level, with
-- evidence, pinned to the framework as it was when the cycle opened. Like 0001, this file runs
-- on SQLite and PostgreSQL alike.

-- A cycle keeps the framework it was opened on (framework.json, as the site publishes it) and
-- that text's content hash, so that it reads the same after the framework's files change.
CREATE TABLE assessment_cycles (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    starts_on         DATE NOT NULL,
    ends_on           DATE NOT NULL,
    -- Who is in it: everyone levelled, one ladder's people, or everyone below one manager.
    scope             TEXT NOT NULL CHECK (scope IN ('everyone', 'ladder', 'team')),
    scope_ladder      TEXT NOT NULL DEFAULT '',
    scope_manager     BIGINT REFERENCES people (id),
    -- 1 when the next level's expectations are asked about too.
    include_next      INTEGER NOT NULL DEFAULT 0 CHECK (include_next IN (0, 1)),
    framework_version TEXT NOT NULL,
    framework_json    TEXT NOT NULL,
    opened_by         BIGINT,
    opened_at         TIMESTAMP NOT NULL,
    closed_by         BIGINT,
    closed_at         TIMESTAMP,
    CHECK (ends_on >= starts_on)
);

-- One person in a cycle, with the level they held when it opened (their expectations come
-- from it) and how far their assessment has come. The status is read from the times.
CREATE TABLE assessment_people (
    cycle_id             BIGINT NOT NULL REFERENCES assessment_cycles (id),
    person_id            BIGINT NOT NULL REFERENCES people (id),
    -- Their manager when the cycle opened: the team they are counted in.
    manager_id           BIGINT,
    ladder               TEXT NOT NULL,
    track                TEXT NOT NULL,
    level                TEXT NOT NULL,
    next_level           TEXT NOT NULL DEFAULT '',
    self_submitted_at    TIMESTAMP,
    manager_submitted_at TIMESTAMP,
    manager_by           BIGINT,
    shared_at            TIMESTAMP,
    acknowledged_at      TIMESTAMP,
    acknowledge_note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (cycle_id, person_id)
);
CREATE INDEX assessment_people_person ON assessment_people (person_id, cycle_id);
CREATE INDEX assessment_people_manager ON assessment_people (cycle_id, manager_id);

-- A rating of one expectation by one side: the person (self) or their manager. score is the
-- rating's position on the cycle's scale (0 lowest), kept so that reports count in SQL;
-- rating is '' (and score null) for evidence without a rating yet.
CREATE TABLE assessment_ratings (
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
);
CREATE INDEX assessment_ratings_side ON assessment_ratings (cycle_id, side, person_id);

-- Append-only: a rating changed after its side was submitted is an amendment, and what it
-- was before, who changed it and why is kept here.
CREATE TABLE assessment_amendments (
    id           INTEGER PRIMARY KEY,
    cycle_id     BIGINT NOT NULL REFERENCES assessment_cycles (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    side         TEXT NOT NULL CHECK (side IN ('self', 'manager')),
    level        TEXT NOT NULL,
    expectation  TEXT NOT NULL,
    old_rating   TEXT NOT NULL,
    old_evidence TEXT NOT NULL,
    new_rating   TEXT NOT NULL,
    new_evidence TEXT NOT NULL,
    reason       TEXT NOT NULL,
    made_by      BIGINT,
    made_at      TIMESTAMP NOT NULL
);
CREATE INDEX assessment_amendments_person ON assessment_amendments (cycle_id, person_id, id);
