-- Growth plans and promotion cases. Like 0001, this file runs on SQLite and PostgreSQL alike.

-- A person's growth plan: the level they grow towards, agreed by them and by a manager above
-- them. One plan a person, kept and changed as they grow. version counts its saves, so that
-- two people editing it at once cannot overwrite each other unseen. Changing what is asked
-- (the target, a goal's wording, a new goal) clears both agreements; progress does not.
CREATE TABLE growth_plans (
    person_id         BIGINT PRIMARY KEY REFERENCES people (id),
    ladder            TEXT NOT NULL,
    track             TEXT NOT NULL DEFAULT '',
    target_level      TEXT NOT NULL,
    person_agreed_at  TIMESTAMP,
    manager_agreed_by BIGINT REFERENCES people (id),
    manager_agreed_at TIMESTAMP,
    version           BIGINT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_by        BIGINT REFERENCES people (id),
    updated_at        TIMESTAMP NOT NULL
);

-- One goal of a plan: an expectation of the target level to show (its id), or a goal in
-- the plan's own words, or both; where it stands, and the evidence that it is met.
CREATE TABLE growth_goals (
    id          INTEGER PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES growth_plans (person_id),
    expectation TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('not-started', 'in-progress', 'done', 'dropped')),
    evidence    TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL,
    done_at     TIMESTAMP,
    created_by  BIGINT REFERENCES people (id),
    created_at  TIMESTAMP NOT NULL,
    updated_by  BIGINT REFERENCES people (id),
    updated_at  TIMESTAMP NOT NULL,
    CHECK (expectation <> '' OR text <> '')
);
CREATE INDEX growth_goals_person ON growth_goals (person_id, id);

-- A promotion case: a manager above the person argues for a level, reviewers decide.
-- from_level is the person's level when it was opened; level_change is the entry of the
-- level history an approval wrote, in the same transaction.
CREATE TABLE promotion_cases (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    opened_by       BIGINT NOT NULL REFERENCES people (id),
    ladder          TEXT NOT NULL,
    track           TEXT NOT NULL DEFAULT '',
    from_level      TEXT NOT NULL DEFAULT '',
    target_level    TEXT NOT NULL,
    argument        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'not-yet')),
    version         BIGINT NOT NULL,
    submitted_by    BIGINT REFERENCES people (id),
    submitted_at    TIMESTAMP,
    decided_by      BIGINT REFERENCES people (id),
    decided_at      TIMESTAMP,
    reasons         TEXT NOT NULL DEFAULT '',
    effective_on    DATE,
    level_change    BIGINT REFERENCES level_history (id),
    created_at      TIMESTAMP NOT NULL,
    updated_by      BIGINT REFERENCES people (id),
    updated_at      TIMESTAMP NOT NULL,
    CHECK (opened_by <> person_id)
);
CREATE INDEX promotion_cases_person ON promotion_cases (person_id, id);
CREATE INDEX promotion_cases_status ON promotion_cases (status, id);
-- A person has one case under way at a time: a second would split the evidence and the
-- reviewers' attention.
CREATE UNIQUE INDEX promotion_cases_one_open ON promotion_cases (person_id) WHERE status IN ('draft', 'submitted');

-- The check-ins whose shared notes the case puts before its reviewers: chosen by whoever
-- writes the case, each one on purpose. Private notes are in a table no case reads.
CREATE TABLE promotion_case_checkins (
    case_id    BIGINT NOT NULL REFERENCES promotion_cases (id),
    checkin_id BIGINT NOT NULL REFERENCES checkins (id),
    PRIMARY KEY (case_id, checkin_id)
);

-- What reviewers say about a case while they review it.
CREATE TABLE promotion_comments (
    id         INTEGER PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES promotion_cases (id),
    author_id  BIGINT NOT NULL REFERENCES people (id),
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX promotion_comments_case ON promotion_comments (case_id, id);

-- What a "not yet" asks of the person, one item each: an expectation to show, or words of
-- its own. goal_id is the plan's goal it became, once it did.
CREATE TABLE promotion_feedback (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES promotion_cases (id),
    expectation TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    goal_id     BIGINT REFERENCES growth_goals (id)
);
CREATE INDEX promotion_feedback_case ON promotion_feedback (case_id, id);

-- The promotion panel: people an admin asked to review promotion cases beside the people
-- team. A person is on it or not; the grant is recorded.
CREATE TABLE promotion_panel (
    person_id  BIGINT PRIMARY KEY REFERENCES people (id),
    granted_by BIGINT REFERENCES people (id),
    granted_at TIMESTAMP NOT NULL
);
