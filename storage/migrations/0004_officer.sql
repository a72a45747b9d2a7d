-- Officer side: the dashboard's buckets as an indexed column, so that bucket counts and queue
-- pages (oldest submission first) read an index range instead of sorting every case.

-- Mirrors bot.workflow.BUCKET_OF (tests/test_officer_queries.py checks every status). VIRTUAL:
-- computed from status, never written, so no code path can let it drift.
ALTER TABLE cases ADD COLUMN bucket TEXT GENERATED ALWAYS AS (
    CASE
        WHEN status = 'draft' THEN 'draft'
        WHEN status = 'awaiting_correction' THEN 'waiting_for_applicant'
        WHEN status IN ('completed', 'returned', 'not_approved', 'withdrawn') THEN 'completed'
        ELSE 'waiting_for_officer'
    END
) VIRTUAL;

-- A province's queue, and the central office's queue over every province.
CREATE INDEX cases_bucket_queue ON cases (province, bucket, submitted_at, id);
CREATE INDEX cases_bucket_queue_all ON cases (bucket, submitted_at, id);
