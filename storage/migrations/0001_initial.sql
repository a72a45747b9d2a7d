-- Initial schema. Times are ISO-8601 UTC text ("2026-11-26T08:00:00+00:00").

CREATE TABLE foundations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('foundation', 'association')),
    name_th         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    registration_no TEXT NOT NULL UNIQUE,
    province        TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);

-- A Telegram user as we know them; id is the Telegram user id (also their private chat id).
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    display_name      TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL DEFAULT 'none'
                      CHECK (role IN ('none', 'member', 'officer', 'admin')),
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    language          TEXT CHECK (language IN ('th', 'en')),
    telegram_language TEXT,
    foundation_id     INTEGER REFERENCES foundations(id),
    -- Officers: the province served; NULL means all provinces (central office).
    province          TEXT,
    reachable         INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (role <> 'member' OR foundation_id IS NOT NULL)
);

CREATE TABLE cases (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_no    TEXT NOT NULL UNIQUE,
    foundation_id  INTEGER NOT NULL REFERENCES foundations(id),
    province       TEXT NOT NULL,
    status         TEXT NOT NULL,
    -- Optimistic concurrency: every change is UPDATE ... WHERE version = :seen.
    version        INTEGER NOT NULL DEFAULT 1,
    volunteer_name TEXT NOT NULL DEFAULT '',
    passport_no    TEXT NOT NULL DEFAULT '',
    details        TEXT NOT NULL DEFAULT '{}',
    receipt_no     TEXT,
    claimed_by     INTEGER REFERENCES users(id),
    created_by     INTEGER NOT NULL REFERENCES users(id),
    created_at     TEXT NOT NULL,
    submitted_at   TEXT,
    updated_at     TEXT NOT NULL,
    closed_at      TEXT
);
-- Receipt numbers are assigned per office (province).
CREATE UNIQUE INDEX cases_receipt_per_office ON cases (province, receipt_no)
    WHERE receipt_no IS NOT NULL;
CREATE INDEX cases_queue ON cases (province, status, submitted_at);
CREATE INDEX cases_status_queue ON cases (status, submitted_at);
CREATE INDEX cases_foundation ON cases (foundation_id, status);

-- Every file ever attached. A correction adds a revision; the reviewed one stays as it was.
CREATE TABLE attachments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    item             TEXT NOT NULL,      -- checklist item key, or 'certificate'
    slot             INTEGER NOT NULL DEFAULT 0,  -- several files for one item
    revision         INTEGER NOT NULL,
    file_name        TEXT NOT NULL,
    mime_type        TEXT NOT NULL,
    size             INTEGER NOT NULL CHECK (size > 0),
    sha256           TEXT NOT NULL,
    telegram_file_id TEXT NOT NULL DEFAULT '',
    uploaded_by      INTEGER NOT NULL REFERENCES users(id),
    uploaded_at      TEXT NOT NULL,
    verdict          TEXT CHECK (verdict IN ('complete', 'needs_correction', 'correct')),
    verdict_reason   TEXT,
    verdict_by       INTEGER REFERENCES users(id),
    verdict_at       TEXT,
    UNIQUE (case_id, item, slot, revision)
);

-- Append-only history of each case: what happened, who did it, what they said.
CREATE TABLE case_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    actor_id       INTEGER REFERENCES users(id),
    action         TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT,
    public_comment TEXT,
    internal_note  TEXT,
    data           TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- Messages that must reach someone, written in the same transaction as the change.
-- The text is rendered at send time in the recipient's language from msg_id and params.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id    INTEGER NOT NULL REFERENCES users(id),
    case_id         INTEGER REFERENCES cases(id),
    event_id        INTEGER REFERENCES case_events(id),
    -- A file to send with the message (e.g. the signed certificate's scan).
    attachment_id   INTEGER REFERENCES attachments(id),
    kind            TEXT NOT NULL,
    msg_id          TEXT NOT NULL,
    params          TEXT NOT NULL DEFAULT '{}',
    urgent          INTEGER NOT NULL DEFAULT 1 CHECK (urgent IN (0, 1)),
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'unreachable', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_pending ON outbox (state, next_attempt_at, id);

-- python-telegram-bot persistence (conversation states, user/chat/bot data) as JSON.
CREATE TABLE ptb_state (
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
