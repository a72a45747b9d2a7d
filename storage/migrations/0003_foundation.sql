-- The foundation side: /cases lists a foundation's submitted cases, newest first.
-- (Drafts, privacy acceptances and invitations already have their tables in 0002.)
CREATE INDEX cases_foundation_submitted ON cases (foundation_id, submitted_at DESC, id DESC);
