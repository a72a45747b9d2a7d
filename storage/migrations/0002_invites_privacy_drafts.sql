-- One-time invitations (deep links), privacy notice acceptances, and wizard drafts.

-- An invitation is a deep link /start <prefix>_<code>; only the SHA-256 of the code is kept.
CREATE TABLE invites (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash     TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('member', 'officer', 'admin')),
    foundation_id INTEGER REFERENCES foundations(id),
    -- Officer invites: the province; NULL means all provinces (central office).
    province      TEXT,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_by       INTEGER REFERENCES users(id),
    used_at       TEXT,
    revoked_at    TEXT,
    CHECK (kind <> 'member' OR foundation_id IS NOT NULL)
);

-- Failed invite redemptions, to slow down guessing.
CREATE TABLE invite_failures (
    user_id    INTEGER NOT NULL,
    failed_at  TEXT NOT NULL
);
CREATE INDEX invite_failures_user ON invite_failures (user_id, failed_at);

-- Who accepted which version of the privacy notice, and when.
CREATE TABLE privacy_acceptances (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    notice_version TEXT NOT NULL,
    accepted_at    TEXT NOT NULL
);
CREATE INDEX privacy_acceptances_user ON privacy_acceptances (user_id, id);

-- What a person has typed into a wizard so far (JSON), saved at every step so that closing
-- Telegram or a restart of the bot resumes exactly where they were.
CREATE TABLE drafts (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
