-- The health library: provider-approved plain-language topics, and the codes each one explains.
CREATE SCHEMA IF NOT EXISTS library;

CREATE TABLE IF NOT EXISTS library.health_topics (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    summary     text NOT NULL,
    approved_by text NOT NULL,
    reviewed_on date NOT NULL,
    search      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', summary), 'B')
    ) STORED
);

CREATE INDEX IF NOT EXISTS health_topics_search_idx ON library.health_topics USING gin (search);

CREATE TABLE IF NOT EXISTS library.health_topic_codes (
    topic_id text NOT NULL REFERENCES library.health_topics (id) ON DELETE CASCADE,
    system   text NOT NULL,
    code     text NOT NULL,
    display  text,
    PRIMARY KEY (topic_id, system, code)
);

CREATE INDEX IF NOT EXISTS health_topic_codes_code_idx ON library.health_topic_codes (upper(code), system);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mhs_gateway_app') THEN
        GRANT USAGE ON SCHEMA library TO mhs_gateway_app;
        GRANT SELECT ON library.health_topics, library.health_topic_codes TO mhs_gateway_app;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        NULL;
END;
$$;
