-- 1:1 check-ins between a person and a manager above them. Like 0001, this file runs on
-- SQLite and PostgreSQL alike.

-- One meeting: when it was held, who held it with the person, and the notes both of them
-- read. manager_id is whoever opened it, who was above the person in the reporting chain
-- then; the chain may change later, the record of who was in the room does not.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people (id),
    manager_id   BIGINT NOT NULL REFERENCES people (id),
    held_on      DATE NOT NULL,
    shared_notes TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_by   BIGINT REFERENCES people (id),
    updated_at   TIMESTAMP NOT NULL,
    CHECK (manager_id <> person_id)
);
CREATE INDEX checkins_person ON checkins (person_id, held_on, id);

-- A note one of them keeps on a check-in for themselves: its author alone reads it. It is a
-- table of its own, not a column of checkins, so that no query of check-ins can carry it
-- by accident; only the store's one method that names the author reads it.
CREATE TABLE checkin_private_notes (
    checkin_id BIGINT NOT NULL REFERENCES checkins (id),
    author_id  BIGINT NOT NULL REFERENCES people (id),
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (checkin_id, author_id)
);

-- Something one of them said they would do. person_id repeats the check-in's, so that a
-- person's open items are one range of an index.
CREATE TABLE checkin_actions (
    id         INTEGER PRIMARY KEY,
    checkin_id BIGINT NOT NULL REFERENCES checkins (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    text       TEXT NOT NULL,
    owner      TEXT NOT NULL CHECK (owner IN ('person', 'manager')),
    done_at    TIMESTAMP,
    done_by    BIGINT REFERENCES people (id),
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkin_actions_checkin ON checkin_actions (checkin_id, id);
CREATE INDEX checkin_actions_person ON checkin_actions (person_id, id);

-- The expectations a check-in's shared notes name (#expectation-id), written with the notes
-- in one transaction, so that a person's page finds what was talked about without reading
-- every note.
CREATE TABLE checkin_expectations (
    checkin_id  BIGINT NOT NULL REFERENCES checkins (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    expectation TEXT NOT NULL,
    PRIMARY KEY (checkin_id, expectation)
);
CREATE INDEX checkin_expectations_person ON checkin_expectations (person_id, expectation);
