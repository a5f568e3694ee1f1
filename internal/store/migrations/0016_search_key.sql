-- PostgreSQL's search looked for the query in two trigram indexes, the names' and the
-- emails', and joined what each found: two index reads for every search, and two patterns
-- checked for every candidate. One key holds both, lower-cased, with a space between them,
-- and one index serves the search. A query without a space cannot match across that space,
-- so it matches the key exactly where it matches the name or the email, and the email starts
-- after a space as each word of the name does. SQLite searches its FTS5 table and needs
-- nothing.
--- postgres ---
ALTER TABLE people
    ADD COLUMN search_key TEXT GENERATED ALWAYS AS (lower(name) || ' ' || lower(email)) STORED;
DROP INDEX people_name_trgm;
DROP INDEX people_email_trgm;
CREATE INDEX people_search_trgm ON people USING gin (search_key gin_trgm_ops);
