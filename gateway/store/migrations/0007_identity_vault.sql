-- The identity vault: the only place a person key (the mart's and analysts' view of a person)
-- and a DoD ID meet, and which source patient records belong to which person. The export job
-- fills it; the mart never holds a DoD ID or a source patient id.
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE IF NOT EXISTS analytics.persons (
    person_key  text PRIMARY KEY CHECK (person_key ~ '^[0-9a-f]{32}$'),
    dod_id      char(10) NOT NULL UNIQUE CHECK (dod_id ~ '^[0-9]{10}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS analytics.source_patients (
    source      text NOT NULL,
    patient_id  text NOT NULL,
    person_key  text NOT NULL REFERENCES analytics.persons (person_key),
    matched     boolean NOT NULL DEFAULT false,  -- linked by demographic match, not by identifier
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, patient_id)
);
CREATE INDEX IF NOT EXISTS source_patients_person_idx ON analytics.source_patients (person_key);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mhs_gateway_app') THEN
        GRANT USAGE ON SCHEMA analytics TO mhs_gateway_app;
        GRANT SELECT, INSERT, UPDATE ON analytics.persons, analytics.source_patients TO mhs_gateway_app;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        NULL;
END;
$$;
