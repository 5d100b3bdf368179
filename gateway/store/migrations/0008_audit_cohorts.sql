-- Analysts: every event names the project the analyst worked for; a cohort question is an event of
-- its own (action `cohort`, no patient) whose `details` hold the criteria and the counts returned.
ALTER TABLE audit.events ADD COLUMN IF NOT EXISTS project text;
ALTER TABLE audit.events ADD COLUMN IF NOT EXISTS details jsonb;

ALTER TABLE audit.events DROP CONSTRAINT IF EXISTS events_action_check;
ALTER TABLE audit.events ADD CONSTRAINT events_action_check
    CHECK (action IN ('read', 'create', 'update', 'cohort'));
