-- Issuance (issue 5): pickup appointments for the signed certificate.

-- Every appointment ever proposed for a case. A new time supersedes the one before it, so the
-- history of reschedules stays; exactly one appointment per case is current (not superseded).
-- The case's SCHEDULE_PICKUP events keep the timeline; this table is what is shown and what
-- reminders read.
CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    starts_at     TEXT NOT NULL,              -- UTC, as every time in this database
    place         TEXT NOT NULL,              -- as the officer gave it (Thai for the office's)
    place_en      TEXT,                       -- the office address in English, when chosen
    note          TEXT,
    state         TEXT NOT NULL DEFAULT 'proposed'
                  CHECK (state IN ('proposed', 'confirmed', 'reschedule_requested',
                                   'superseded')),
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    answered_by   INTEGER REFERENCES users(id),
    answered_at   TEXT,
    answer_reason TEXT
);
-- Upcoming appointments by state and time (the reminder scan).
CREATE INDEX appointments_upcoming ON appointments (state, starts_at);
CREATE INDEX appointments_case ON appointments (case_id, id);
-- The database itself keeps "the latest appointment" unambiguous.
CREATE UNIQUE INDEX appointments_one_current ON appointments (case_id)
    WHERE state <> 'superseded';

-- Appointments made before this table existed lived only in events: the latest one of each
-- case becomes its current appointment (the workflow's "has a pickup" reads this table now).
INSERT INTO appointments (case_id, starts_at, place, note, state, created_by, created_at)
SELECT e.case_id,
       strftime('%Y-%m-%dT%H:%M:%S', json_extract(e.data, '$.when')) || '.000000+00:00',
       COALESCE(json_extract(e.data, '$.place'), ''),
       json_extract(e.data, '$.note'),
       'proposed',
       e.actor_id,
       e.created_at
FROM case_events e
WHERE e.action = 'schedule_pickup'
  AND e.actor_id IS NOT NULL
  AND json_extract(e.data, '$.when') IS NOT NULL
  AND e.id = (SELECT MAX(x.id) FROM case_events x
              WHERE x.case_id = e.case_id AND x.action = 'schedule_pickup');
