-- The TRICARE Online (TOL) portal archive: accounts keyed by DoD ID and their legacy records.
-- Read-only for the gateway. Every list has an index for newest-first keyset paging per account.

CREATE SCHEMA IF NOT EXISTS tol;

CREATE TABLE tol.facilities (
    facility_id      text PRIMARY KEY,
    name             text NOT NULL,
    genesis_go_live  date
);

CREATE TABLE tol.accounts (
    account_id     text PRIMARY KEY,
    dod_id         char(10) NOT NULL UNIQUE CHECK (dod_id ~ '^[0-9]{10}$'),
    given_name     text NOT NULL,
    family_name    text NOT NULL,
    birth_date     date,
    gender         text CHECK (gender IN ('M', 'F', 'U')),
    home_facility  text REFERENCES tol.facilities (facility_id)
);

CREATE TABLE tol.message_threads (
    thread_id        text PRIMARY KEY,
    account_id       text NOT NULL REFERENCES tol.accounts (account_id),
    subject          text NOT NULL,
    folder           text NOT NULL CHECK (folder IN ('INBOX', 'SENT', 'ARCHIVE')),
    created_at       timestamptz NOT NULL,
    last_message_at  timestamptz NOT NULL,
    CHECK (last_message_at >= created_at)
);
CREATE INDEX message_threads_account_recent
    ON tol.message_threads (account_id, last_message_at DESC, thread_id DESC);

CREATE TABLE tol.messages (
    message_id    text PRIMARY KEY,
    thread_id     text NOT NULL REFERENCES tol.message_threads (thread_id),
    sent_at       timestamptz NOT NULL,
    sender_name   text NOT NULL,
    from_patient  boolean NOT NULL,
    body          text NOT NULL
);
CREATE INDEX messages_thread_recent ON tol.messages (thread_id, sent_at DESC, message_id DESC);

CREATE TABLE tol.appointments (
    appointment_id    text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES tol.accounts (account_id),
    facility_id       text REFERENCES tol.facilities (facility_id),
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz,
    status            text NOT NULL
                      CHECK (status IN ('PENDING', 'SCHEDULED', 'CHECKED_IN', 'KEPT',
                                        'CANCELLED', 'NO_SHOW')),
    clinic            text NOT NULL
                      CHECK (clinic IN ('PRIMARY_CARE', 'DENTAL', 'SPECIALTY', 'OPTOMETRY',
                                        'MENTAL_HEALTH', 'PHYSICAL_THERAPY', 'IMMUNIZATIONS')),
    provider_name     text,
    reason            text,
    entered_in_error  boolean NOT NULL DEFAULT false,
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
);
CREATE INDEX appointments_account_recent
    ON tol.appointments (account_id, starts_at DESC, appointment_id DESC);

CREATE TABLE tol.prescriptions (
    rx_id               text PRIMARY KEY,
    account_id          text NOT NULL REFERENCES tol.accounts (account_id),
    rx_number           text NOT NULL UNIQUE,
    drug_name           text NOT NULL,
    rxnorm_code         text,
    sig                 text,
    prescriber_name     text,
    written_on          date NOT NULL,
    expires_on          date,
    refills_authorized  integer NOT NULL DEFAULT 0 CHECK (refills_authorized >= 0),
    refills_used        integer NOT NULL DEFAULT 0 CHECK (refills_used >= 0),
    status              text NOT NULL CHECK (status IN ('ACTIVE', 'EXPIRED', 'DISCONTINUED')),
    entered_in_error    boolean NOT NULL DEFAULT false
);
CREATE INDEX prescriptions_account_recent
    ON tol.prescriptions (account_id, written_on DESC, rx_id DESC);

CREATE TABLE tol.lab_results (
    result_id         text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES tol.accounts (account_id),
    accession_number  text NOT NULL,
    loinc_code        text,
    test_name         text NOT NULL,
    value_numeric     numeric,
    value_text        text,
    unit              text,
    ref_low           numeric,
    ref_high          numeric,
    ref_text          text,
    abnormal_flag     text CHECK (abnormal_flag IN ('N', 'L', 'H', 'LL', 'HH', 'A')),
    collected_at      timestamptz NOT NULL,
    status            text NOT NULL CHECK (status IN ('FINAL', 'CORRECTED', 'PRELIMINARY')),
    entered_in_error  boolean NOT NULL DEFAULT false,
    CHECK (value_numeric IS NOT NULL OR value_text IS NOT NULL)
);
CREATE INDEX lab_results_account_recent
    ON tol.lab_results (account_id, collected_at DESC, result_id DESC);
CREATE INDEX lab_results_accession ON tol.lab_results (accession_number);
