-- The audit trail: one row per request and patient touched. Rows are only ever inserted.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE IF NOT EXISTS audit.events (
    id             bigserial PRIMARY KEY,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    request_id     text NOT NULL,
    actor          text NOT NULL,
    role           text NOT NULL,
    patient        text,
    action         text NOT NULL CHECK (action IN ('read', 'create', 'update')),
    record_kinds   text[] NOT NULL DEFAULT '{}',
    sources        text[] NOT NULL DEFAULT '{}',
    operation_name text,
    document_hash  text,
    outcome        text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'error')),
    purpose        text,
    client_address text,
    token_id       text
);

CREATE INDEX IF NOT EXISTS events_patient_recorded_idx
    ON audit.events (patient, recorded_at DESC) WHERE patient IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_actor_recorded_idx ON audit.events (actor, recorded_at DESC);
CREATE INDEX IF NOT EXISTS events_request_idx ON audit.events (request_id);

CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.events is insert-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER IF EXISTS events_insert_only ON audit.events;
CREATE TRIGGER events_insert_only
    BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();

DROP TRIGGER IF EXISTS events_no_truncate ON audit.events;
CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- The role the gateway process connects as (created when this login may create roles; roles are
-- cluster-wide, so another database on the same server may have created it already).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mhs_gateway_app') THEN
        CREATE ROLE mhs_gateway_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
        NULL;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mhs_gateway_app') THEN
        GRANT USAGE ON SCHEMA audit TO mhs_gateway_app;
        GRANT INSERT, SELECT ON audit.events TO mhs_gateway_app;
        GRANT USAGE ON SEQUENCE audit.events_id_seq TO mhs_gateway_app;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        NULL;
END;
$$;
