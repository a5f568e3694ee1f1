-- PostgreSQL's search looks for the query in names and emails as typed in any case. ILIKE
-- lower-cases every row it checks, each time, and a search checks thousands (the trigram
-- index's candidates, or a long list walked in order for a broad query's page): three
-- quarters of its time went there. These columns hold the lower-cased text, kept by
-- PostgreSQL itself, and the trigram indexes move onto them; the search lower-cases the query
-- once and matches with LIKE. SQLite searches its FTS5 table and needs nothing.
--- postgres ---
ALTER TABLE people
    ADD COLUMN name_key TEXT GENERATED ALWAYS AS (lower(name)) STORED,
    ADD COLUMN email_key TEXT GENERATED ALWAYS AS (lower(email)) STORED;
DROP INDEX people_name_trgm;
DROP INDEX people_email_trgm;
CREATE INDEX people_name_trgm ON people USING gin (name_key gin_trgm_ops);
CREATE INDEX people_email_trgm ON people USING gin (email_key gin_trgm_ops);
