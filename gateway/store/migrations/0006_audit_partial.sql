-- A read that a source failed is recorded as `partial`, naming the sources that failed.
ALTER TABLE audit.events ADD COLUMN IF NOT EXISTS failed_sources text[] NOT NULL DEFAULT '{}';

ALTER TABLE audit.events DROP CONSTRAINT IF EXISTS events_outcome_check;
ALTER TABLE audit.events ADD CONSTRAINT events_outcome_check
    CHECK (outcome IN ('allowed', 'denied', 'error', 'partial'));
