-- Email to send, and what the home page reads. Like 0001, this file runs on SQLite and
-- PostgreSQL alike.

-- A message to one person, written by the transaction of what it tells them of (a cycle
-- opened, an assessment shared, a case decided), so that an email goes out exactly when its
-- event happened, and never holds up or fails the request. A sender in the background sends
-- it, and tries again later when the mail server does not take it. kind names the message;
-- data holds its facts as JSON (names, dates, ids: never notes or evidence); the words and
-- the recipient's address are filled in when it is sent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    data        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    -- When a sender may next take it: pushed on as a sender takes it, so that two rungs
    -- processes sharing a database never both send it, and a sender that stops half way
    -- leaves it to be tried again.
    next_try_at TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    sent_at     TIMESTAMP,
    -- Given up on: too many attempts, or nobody to send it to any more.
    failed_at   TIMESTAMP
);
CREATE INDEX outbox_waiting ON outbox (next_try_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- A manager's home lists the action items they took on in the check-ins they held.
CREATE INDEX checkins_manager ON checkins (manager_id, id);
-- The people team's home counts the people without a level, and asks whether there are any:
-- once a rollout is applied they are few, and this index holds only them.
CREATE INDEX people_unplaced ON people (status, id) WHERE level = '';
