-- Audit entries that waited in a journal file beside an SQLite database while another
-- process held its write lock (see auditJournal): for each journal, the last of its entries
-- already moved into audit_log, written in the transaction that moves them, so that a journal
-- read again after a crash between that commit and the file's removal adds none twice. Like
-- 0001, this file runs on SQLite and PostgreSQL alike (PostgreSQL has no use for it).
CREATE TABLE audit_journal (
    id  TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
