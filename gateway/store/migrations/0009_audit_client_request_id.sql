-- The request id a client sent (X-Request-Id), kept apart from the gateway's own `request_id`:
-- a client's text never decides which audit rows belong together.
ALTER TABLE audit.events ADD COLUMN IF NOT EXISTS client_request_id text;
CREATE INDEX IF NOT EXISTS events_client_request_idx ON audit.events (client_request_id)
    WHERE client_request_id IS NOT NULL;
