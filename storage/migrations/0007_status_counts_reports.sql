-- Issue 17: status counts kept by the database, the completed list newest first, and the
-- status changes the division's reports read.

-- How many cases each province has in each status, kept by the triggers below in the same
-- transaction as every change to a case, so the dashboard reads ~80 rows for every province
-- instead of counting 100,000 cases on each view (storage/queue.py ``status_counts``).
CREATE TABLE case_status_counts (
    province TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (province, status)
) WITHOUT ROWID;

INSERT INTO case_status_counts (province, status, n)
    SELECT province, status, COUNT(*) FROM cases GROUP BY province, status;

-- INSERT OR IGNORE then UPDATE rather than an upsert: it reads the same on every SQLite the
-- bot may meet, inside a trigger too.
CREATE TRIGGER case_status_counts_insert AFTER INSERT ON cases
BEGIN
    INSERT OR IGNORE INTO case_status_counts (province, status, n)
        VALUES (new.province, new.status, 0);
    UPDATE case_status_counts SET n = n + 1
        WHERE province = new.province AND status = new.status;
END;

CREATE TRIGGER case_status_counts_delete AFTER DELETE ON cases
BEGIN
    UPDATE case_status_counts SET n = n - 1
        WHERE province = old.province AND status = old.status;
END;

CREATE TRIGGER case_status_counts_update AFTER UPDATE OF status, province ON cases
    WHEN old.status IS NOT new.status OR old.province IS NOT new.province
BEGIN
    UPDATE case_status_counts SET n = n - 1
        WHERE province = old.province AND status = old.status;
    INSERT OR IGNORE INTO case_status_counts (province, status, n)
        VALUES (new.province, new.status, 0);
    UPDATE case_status_counts SET n = n + 1
        WHERE province = new.province AND status = new.status;
END;

-- The completed list is newest first (most recently closed on the first page): a province's,
-- and the central office's over every province. Read backwards, no sort.
CREATE INDEX cases_closed_queue ON cases (province, bucket, closed_at, id);
CREATE INDEX cases_closed_queue_all ON cases (bucket, closed_at, id);

-- The reports (storage/reports.py) pick the cases open at some time in a period (not closed
-- before it starts, submitted before it ends) from this index alone ...
CREATE INDEX cases_open_during ON cases (closed_at, submitted_at, province)
    WHERE status <> 'draft';
-- ... and walk each case's status changes: only the events that changed the status (about a
-- sixth of the log), in case and event order, with what the reports read.
CREATE INDEX case_events_moves ON case_events (case_id, id, created_at, to_status)
    WHERE to_status IS NOT from_status;

