-- What lets the people app answer quickly at 100,000 people: the reporting chain as a table,
-- and an index of names and emails for search. The databases' text indexes differ, so this
-- migration has parts for each: lines after "--- sqlite ---" run on SQLite only, after
-- "--- postgres ---" on PostgreSQL only, after "--- both ---" on both.

-- Everyone's managers, one row per (manager, person) pair: the reporting chain walked once
-- when it changes instead of at every page. depth is 1 for a direct report. status and name
-- are the person's, copied so that a manager's people are read in list order from one index
-- however many they are. Written only by the store's chain.go, in the transaction that
-- changes people. It follows from people alone: backups leave it out, and a restore builds it
-- again (see tables.go).
CREATE TABLE people_chain (
    person_id  BIGINT NOT NULL,
    manager_id BIGINT NOT NULL,
    depth      INTEGER NOT NULL,
    status     TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (person_id, manager_id)
--- sqlite ---
) WITHOUT ROWID;
--- postgres ---
);
--- both ---
CREATE INDEX people_chain_list ON people_chain (manager_id, name, person_id, status);

-- Walking up from each person, never through someone twice, as ManagerChain did: in a
-- reporting cycle an older version allowed, a person's managers end before coming back.
INSERT INTO people_chain (person_id, manager_id, depth, status, name)
WITH RECURSIVE up (person_id, manager_id, depth, path) AS (
    SELECT id, manager_id, 1, ',' || id || ',' FROM people WHERE manager_id IS NOT NULL
    UNION ALL
    SELECT u.person_id, p.manager_id, u.depth + 1, u.path || u.manager_id || ','
    FROM up u JOIN people p ON p.id = u.manager_id
    WHERE p.manager_id IS NOT NULL AND u.path || u.manager_id || ',' NOT LIKE '%,' || p.manager_id || ',%'
)
SELECT up.person_id, up.manager_id, up.depth, p.status, p.name FROM up JOIN people p ON p.id = up.person_id;

-- Lists of everyone of all statuses read in name order too.
CREATE INDEX people_name ON people (name, id);

--- sqlite ---
-- Search: every three-character piece of names and emails, whatever their case (FTS5's
-- trigram tokenizer), so that any part of three characters or more is found from the index.
-- "starts" holds each word of the name and the email with two \x01 in front, so that one or
-- two characters typed find the names and emails that start with them through the same index.
-- Contentless: the rows are in people; the index only gives their ids. Kept by triggers, so
-- that every write of people (a restore's too) keeps it.
CREATE VIRTUAL TABLE people_search USING fts5 (
    name, email, starts, tokenize = 'trigram', content = '', contentless_delete = 1
);
INSERT INTO people_search (rowid, name, email, starts)
SELECT id, name, email, char(1, 1) || replace(name, ' ', ' ' || char(1, 1)) || ' ' || char(1, 1) || email FROM people;
CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, name, email, starts)
    VALUES (new.id, new.name, new.email, char(1, 1) || replace(new.name, ' ', ' ' || char(1, 1)) || ' ' || char(1, 1) || new.email);
END;
CREATE TRIGGER people_search_update AFTER UPDATE OF name, email ON people BEGIN
    DELETE FROM people_search WHERE rowid = old.id;
    INSERT INTO people_search (rowid, name, email, starts)
    VALUES (new.id, new.name, new.email, char(1, 1) || replace(new.name, ' ', ' ' || char(1, 1)) || ' ' || char(1, 1) || new.email);
END;
CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    DELETE FROM people_search WHERE rowid = old.id;
END;

--- postgres ---
-- Search: trigram indexes (pg_trgm, a trusted extension since PostgreSQL 13, so the
-- database's owner may add it) find any part of a name or email, whatever its case, and
-- the start of a word or an email from one or two characters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX people_name_trgm ON people USING gin (name gin_trgm_ops);
CREATE INDEX people_email_trgm ON people USING gin (email gin_trgm_ops);
