-- Reminders (issue 6): officer stage clocks kept with each case, the once-only reminder log,
-- digest preferences, and the 'abandoned' status in the dashboard bucket column.

-- The officers' working-day clock (see bot/reminders.py): the working-day ordinal the running
-- count starts from (NULL while paused or stopped), days carried over a pause, and when the
-- case began waiting for the applicant.
ALTER TABLE cases ADD COLUMN clock_stage TEXT;
ALTER TABLE cases ADD COLUMN clock_base INTEGER;
ALTER TABLE cases ADD COLUMN clock_carried INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN applicant_since TEXT;
CREATE INDEX cases_officer_clock ON cases (clock_base) WHERE clock_base IS NOT NULL;
CREATE INDEX cases_applicant_wait ON cases (applicant_since) WHERE applicant_since IS NOT NULL;

-- Cases already open when this migration runs get their stage here; the reminder service starts
-- their clocks at start-up (it needs the holiday calendar), erring on the side of fewer reminders.
UPDATE cases SET clock_stage = CASE
        WHEN status IN ('awaiting_check', 'awaiting_correction', 'awaiting_recheck')
            THEN 'preliminary'
        WHEN status = 'awaiting_consideration' THEN 'consideration'
        WHEN status IN ('awaiting_issuance', 'awaiting_signature') THEN 'issuance'
    END
    WHERE status IN ('awaiting_check', 'awaiting_correction', 'awaiting_recheck',
                     'awaiting_consideration', 'awaiting_issuance', 'awaiting_signature');
UPDATE cases SET applicant_since = updated_at WHERE status = 'awaiting_correction';

-- One row per reminder ever queued; the key (kind, case or person, day) makes each reminder
-- happen once even across restarts.
CREATE TABLE reminder_log (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    case_id    INTEGER REFERENCES cases(id),
    user_id    INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);

-- The outbox worker keeps each person's messages in order (storage/outbox.py ``due``).
CREATE INDEX outbox_recipient_pending ON outbox (recipient_id, state, id);

ALTER TABLE users ADD COLUMN digest_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (digest_enabled IN (0, 1));

-- The bucket column must know the new final status; a generated column cannot be altered, so it
-- is rebuilt with its indexes.
DROP INDEX cases_bucket_queue;
DROP INDEX cases_bucket_queue_all;
ALTER TABLE cases DROP COLUMN bucket;
ALTER TABLE cases ADD COLUMN bucket TEXT GENERATED ALWAYS AS (
    CASE
        WHEN status = 'draft' THEN 'draft'
        WHEN status = 'awaiting_correction' THEN 'waiting_for_applicant'
        WHEN status IN ('completed', 'returned', 'not_approved', 'withdrawn', 'abandoned')
            THEN 'completed'
        ELSE 'waiting_for_officer'
    END
) VIRTUAL;
CREATE INDEX cases_bucket_queue ON cases (province, bucket, submitted_at, id);
CREATE INDEX cases_bucket_queue_all ON cases (bucket, submitted_at, id);
