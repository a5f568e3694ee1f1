-- Two-factor sign-in for password accounts, sign-in through the company's identity provider
-- (OpenID Connect), and tokens for the JSON API. Like 0001, this file runs on SQLite and
-- PostgreSQL alike.

-- An account's TOTP secret (RFC 6238). Unlike a password it cannot be kept hashed: checking
-- a code needs the secret itself (docs/operations.md says why it is not encrypted either).
-- enabled_at is empty while enrolment waits for a first code. last_step is the newest time
-- step a code was accepted for: a code is accepted once, never again within its window.
CREATE TABLE totp (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    enabled_at TIMESTAMP,
    last_step  BIGINT NOT NULL DEFAULT 0
);

-- One-time codes for when the phone is lost. As with sessions, only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    PRIMARY KEY (account_id, code_hash)
);

-- A sign-in half done: the password was right, the second factor is still to come. The
-- browser holds the token; the table its hash.
CREATE TABLE login_challenges (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    next       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- How a session was opened: 'password', 'password+totp', 'recovery-code' or 'oidc'.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- A sign-in sent to the company's identity provider and not yet back: its state (only the
-- hash, like a session's token), the nonce the ID token must carry and the PKCE verifier.
-- A row is used once, so a state cannot be replayed.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- The identity provider's subject an account first signed in with: if the provider later
-- gives the same email to someone else, that someone is not let in as this account.
ALTER TABLE accounts ADD COLUMN oidc_subject TEXT NOT NULL DEFAULT '';

-- Tokens for the JSON API: personal ones act as their account, service ones (made by an
-- admin, for another system such as the HR tool) as the people team. As with sessions, only
-- the token's SHA-256 is kept. A read token may only read; a write token may change too.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('personal', 'service')),
    account_id   BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_by   BIGINT,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    CHECK ((kind = 'personal') = (account_id IS NOT NULL))
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

