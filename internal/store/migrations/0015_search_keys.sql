-- PostgreSQL's search looks for the query in names and emails as typed in any case. ILIKE
-- lower-cases every row it checks, each time, and a search checks thousands (the trigram
-- index's candidates, or a long list walked in order for a broad query's page): three
-- quarters of its time went there. These columns hold the lower-cased text, kept by
-- PostgreSQL itself, and the search lower-cases the query once and matches with LIKE.
-- The two trigram indexes, the names' and the emails', each read for every search and their
-- candidates joined, become one over a key that holds both with a space between them: a query
-- without a space cannot match across that space, so it matches the key exactly where it
-- matches the name or the email, and the email starts after a space as each word of the name
-- does. SQLite searches its FTS5 table and needs nothing.
--- postgres ---
ALTER TABLE people
    ADD COLUMN name_key TEXT GENERATED ALWAYS AS (lower(name)) STORED,
    ADD COLUMN email_key TEXT GENERATED ALWAYS AS (lower(email)) STORED,
    ADD COLUMN search_key TEXT GENERATED ALWAYS AS (lower(name) || ' ' || lower(email)) STORED;
DROP INDEX people_name_trgm;
DROP INDEX people_email_trgm;
CREATE INDEX people_search_trgm ON people USING gin (search_key gin_trgm_ops);
