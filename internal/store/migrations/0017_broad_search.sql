-- A query that matches more than a few hundred people (RankedMatches) is listed in id order,
-- and PostgreSQL finds a page of it by walking people in that order and checking each for
-- the query. Walked through the table, each row it checks is read whole; this index holds
-- what the check needs beside each id, so that the walk reads the index alone (an index-only
-- scan), and the table only for the page's rows (and for the rows on pages written since the
-- last vacuum, autovacuum's or an import's, whose visibility the index cannot tell). SQLite
-- reads its text index in id order and needs nothing.
--- postgres ---
CREATE INDEX people_id_search ON people (id) INCLUDE (status, search_key);
