-- A CSV import's file between its preview and its apply. The server keeps it, rather than the
-- preview page carrying it back in a form field, so that a large HR export makes a small page
-- and any rungs process behind a load balancer can take the second step (they share the
-- database). The preview's form holds a random key; the table only its SHA-256, as for
-- sessions. Only the account that uploaded the file may apply it, within an hour.
--- sqlite ---
CREATE TABLE import_uploads (
    key_hash   TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
--- postgres ---
CREATE TABLE import_uploads (
    key_hash   TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
