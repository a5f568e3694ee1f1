-- The people app's first tables. This file runs on SQLite and PostgreSQL alike: ids are
-- INTEGER PRIMARY KEY (made an identity column on PostgreSQL, see dialect.go), references to
-- them BIGINT, times TIMESTAMP always written in UTC, and no default computed by the database,
-- so both hold the same values. Empty text means "not set" where a value is optional.

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    manager_id BIGINT REFERENCES people (id),
    -- The current level, kept equal to the last level_history row; empty until levelled.
    ladder     TEXT NOT NULL DEFAULT '',
    track      TEXT NOT NULL DEFAULT '',
    level      TEXT NOT NULL DEFAULT '',
    start_date DATE NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (manager_id <> id)
);
-- Emails are unique whatever their case; lower() is spelled the same in both databases.
CREATE UNIQUE INDEX people_email ON people (lower(email));
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_ladder ON people (ladder, track, level);
CREATE INDEX people_status_name ON people (status, name);

-- Append-only: a correction is a new row, never an update.
CREATE TABLE level_history (
    id         INTEGER PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    from_level TEXT NOT NULL DEFAULT '',
    to_level   TEXT NOT NULL,
    ladder     TEXT NOT NULL,
    track      TEXT NOT NULL,
    date       DATE NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('hire', 'rollout', 'promotion', 'correction', 'track-change')),
    note       TEXT NOT NULL DEFAULT '',
    made_by    BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX level_history_person ON level_history (person_id, id);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    person_id     BIGINT NOT NULL UNIQUE REFERENCES people (id),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_at    TIMESTAMP NOT NULL
);

-- The session id itself is only in the cookie; the database keeps its hash, so a leaked
-- database copy cannot be used to sign in.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Append-only. Actor and subject are plain ids, not foreign keys, so the log outlives what it
-- talks about and never blocks a change.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    actor_id   BIGINT,
    action     TEXT NOT NULL,
    subject_id BIGINT,
    detail     TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
