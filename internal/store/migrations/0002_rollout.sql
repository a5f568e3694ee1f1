-- Job titles, one-time sign-in links, and the rollout: the first levelling of existing staff.
-- Like 0001, this file runs on SQLite and PostgreSQL alike.

-- The person's current job title as the HR system has it; the rollout maps titles to levels.
ALTER TABLE people ADD COLUMN title TEXT NOT NULL DEFAULT '';

-- A link that can be used once: the first admin's setup, or a person's invitation to sign in
-- (also how a password is reset). As with sessions, only the token's hash is kept.
CREATE TABLE links (
    id_hash    TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'invite')),
    -- Empty for setup: the first admin's person is created when the link is used.
    person_id  BIGINT REFERENCES people (id),
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    CHECK (purpose = 'setup' OR person_id IS NOT NULL)
);
CREATE INDEX links_person ON links (person_id);

-- Lists of people go by name: with id in the index too, a page of the list, or of a
-- manager's team, is read in order without sorting everyone first.
DROP INDEX people_status_name;
DROP INDEX people_manager;
CREATE INDEX people_status_name ON people (status, name, id);
CREATE INDEX people_manager ON people (manager_id, status, name, id);

-- Login throttling counts recent failures from an address and for an email address (kept in
-- the detail, whether or not it is anyone's).
CREATE INDEX audit_log_address ON audit_log (address, action, at);
CREATE INDEX audit_log_action_detail ON audit_log (action, detail, at);

CREATE TABLE rollouts (
    id           INTEGER PRIMARY KEY,
    created_at   TIMESTAMP NOT NULL,
    created_by   BIGINT,
    applied_at   TIMESTAMP,
    applied_by   BIGINT,
    discarded_at TIMESTAMP,
    CHECK (applied_at IS NULL OR discarded_at IS NULL)
);
-- At most one rollout is open: every open row has the same value in this partial index.
CREATE UNIQUE INDEX rollouts_open ON rollouts ((applied_at IS NULL AND discarded_at IS NULL))
    WHERE applied_at IS NULL AND discarded_at IS NULL;

-- A title's level: people whose lower(trim(title)) is title_key are proposed it.
CREATE TABLE rollout_rules (
    rollout_id BIGINT NOT NULL REFERENCES rollouts (id),
    title_key  TEXT NOT NULL,
    title      TEXT NOT NULL,
    ladder     TEXT NOT NULL,
    track      TEXT NOT NULL,
    level      TEXT NOT NULL,
    PRIMARY KEY (rollout_id, title_key)
);

-- A manager's (or admin's) decision for one person, which wins over the rule for their title.
CREATE TABLE rollout_reviews (
    rollout_id  BIGINT NOT NULL REFERENCES rollouts (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    ladder      TEXT NOT NULL,
    track       TEXT NOT NULL,
    level       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT,
    reviewed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (rollout_id, person_id)
);
