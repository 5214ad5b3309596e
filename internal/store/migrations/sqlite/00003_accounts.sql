-- Accounts and access: invitations, two-factor (TOTP), the pending second
-- step of a login, instance-wide settings, expiring API tokens, and when each
-- editor last got the e-mail digest.

-- +goose Up

-- Tokens minted by POST /api/v1/sessions expire and are revoked on a password
-- change; tokens from `storydesk token create` (from_login = 0) do not expire.
ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE tokens ADD COLUMN from_login INTEGER NOT NULL DEFAULT 0;

-- One-time links with which an invited person sets a password; only a hash
-- of the link's token is kept.
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX invites_user ON invites (user_id);

-- The TOTP secret is sealed with a key derived from STORYDESK_SECRET, so a
-- database dump alone does not give away second factors. enabled_at NULL is
-- an enrollment not yet confirmed with a code. last_step refuses a code that
-- was already used (replay).
CREATE TABLE totp (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    enabled_at INTEGER,
    last_step  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A password accepted, the second step (code or enrollment) still to come.
CREATE TABLE login_pending (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage      TEXT NOT NULL,
    next       TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_pending_user ON login_pending (user_id);

CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE digests (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sent_at INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE digests;
DROP TABLE settings;
DROP TABLE login_pending;
DROP TABLE totp;
DROP TABLE invites;
ALTER TABLE tokens DROP COLUMN from_login;
ALTER TABLE tokens DROP COLUMN expires_at;
