"""The SQL the TOL adapter runs: one statement per kind for a whole batch of page requests.

A page statement takes parallel arrays, one element per query (patient), and unnests them into
`q`; for each q a LATERAL subquery reads that account's rows after its own keyset position
(newest first, ties broken by id) up to its own limit + 1, with its own filters, and another
counts the matches when the caller wants a total. Entered-in-error rows never come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sources.records import RecordKind

__all__ = ["ACCOUNTS", "FACILITIES", "FIND_ACCOUNTS", "GET", "LINK", "PAGE", "PAGE_PARAMS", "PROVIDERS", "Shape"]


@dataclass(frozen=True, slots=True)
class Shape:
    """How one kind's rows are read: columns, tables, sort keys and the kind's own filters."""

    columns: str  # select list over alias x (and joins); must include `sort_t` and `row_id`
    tables: str  # FROM ... JOIN ... (alias x is the kind's table)
    owner: str  # predicate tying x to the query's account (q.account)
    time: str  # the sort column of x
    row_id: str  # the id column of x
    position: str  # q.after_t converted to the sort column's type
    date_from: str  # q.date_from converted likewise
    date_to: str  # q.date_to converted likewise
    filters: str = "true"  # the kind's filters, over x and q
    live: str = "true"  # rows that may be shown (not entered in error)
    business: str | None = None  # the column holding the business id the gateway merges on


_HOME = """
JOIN tol.accounts a ON a.account_id = {account}
LEFT JOIN tol.facilities h ON h.facility_id = a.home_facility"""

_AS_DATE = "(({v}) AT TIME ZONE 'UTC')::date"

SHAPES: Final[dict[RecordKind, Shape]] = {
    RecordKind.APPOINTMENT: Shape(
        columns="""x.appointment_id, x.account_id, x.starts_at, x.ends_at, x.status, x.clinic,
            x.provider_name, x.reason, x.facility_id, f.name AS facility_name, f.genesis_go_live,
            coalesce(f.name, h.name) AS organization,
            x.starts_at AS sort_t, x.appointment_id AS row_id""",
        tables="tol.appointments x"
        + _HOME.format(account="x.account_id")
        + "\nLEFT JOIN tol.facilities f ON f.facility_id = x.facility_id",
        owner="x.account_id = q.account",
        time="x.starts_at",
        row_id="x.appointment_id",
        position="q.after_t",
        date_from="q.date_from",
        date_to="q.date_to",
        filters="""(q.statuses IS NULL OR x.status = ANY(string_to_array(q.statuses, ',')))
            AND (q.clinics IS NULL OR x.clinic = ANY(string_to_array(q.clinics, ',')))""",
        live="NOT x.entered_in_error",
    ),
    RecordKind.LAB_RESULT: Shape(
        columns="""x.result_id, x.account_id, x.accession_number, x.loinc_code, x.test_name,
            x.value_numeric, x.value_text, x.unit, x.ref_low, x.ref_high, x.ref_text,
            x.abnormal_flag, x.collected_at, x.status, h.name AS organization,
            x.collected_at AS sort_t, x.result_id AS row_id""",
        tables="tol.lab_results x" + _HOME.format(account="x.account_id"),
        owner="x.account_id = q.account",
        time="x.collected_at",
        row_id="x.result_id",
        position="q.after_t",
        date_from="q.date_from",
        date_to="q.date_to",
        filters="(q.code IS NULL OR x.loinc_code = q.code)",
        live="NOT x.entered_in_error",
        # the identity parts (sources/duplicates.py), made keys in batch.py
        business="""json_build_array(x.loinc_code, x.collected_at, x.value_numeric, x.unit, x.value_text,
            x.accession_number)::text""",
    ),
    RecordKind.PRESCRIPTION: Shape(
        columns="""x.rx_id, x.account_id, x.rx_number, x.drug_name, x.rxnorm_code, x.sig,
            x.prescriber_name, x.written_on, x.expires_on, x.refills_authorized,
            x.refills_used, x.status, h.name AS organization,
            (x.written_on::timestamp AT TIME ZONE 'UTC') AS sort_t, x.rx_id AS row_id""",
        tables="tol.prescriptions x" + _HOME.format(account="x.account_id"),
        owner="x.account_id = q.account",
        time="x.written_on",
        row_id="x.rx_id",
        position=_AS_DATE.format(v="q.after_t"),
        date_from=_AS_DATE.format(v="q.date_from"),
        date_to=_AS_DATE.format(v="q.date_to"),
        filters="""(NOT q.active_only OR (x.status = 'ACTIVE'
            AND (x.expires_on IS NULL OR x.expires_on >= $15::date)))""",
        live="NOT x.entered_in_error",
        business="x.rx_number",
    ),
    RecordKind.MESSAGE_THREAD: Shape(
        columns="""x.thread_id, x.account_id, x.subject, x.last_message_at,
            (SELECT count(*) FROM tol.messages m WHERE m.thread_id = x.thread_id)
                AS message_count,
            h.name AS organization, x.last_message_at AS sort_t, x.thread_id AS row_id""",
        tables="tol.message_threads x" + _HOME.format(account="x.account_id"),
        owner="x.account_id = q.account",
        time="x.last_message_at",
        row_id="x.thread_id",
        position="q.after_t",
        date_from="q.date_from",
        date_to="q.date_to",
        filters="q.archive_ok",  # every TOL thread is shown in folder ARCHIVE
    ),
    RecordKind.MESSAGE: Shape(
        columns="""x.message_id, x.thread_id, x.sent_at, x.sender_name, x.from_patient, x.body,
            t.account_id, h.name AS organization, x.sent_at AS sort_t, x.message_id AS row_id""",
        tables="tol.messages x\nJOIN tol.message_threads t ON t.thread_id = x.thread_id"
        + _HOME.format(account="t.account_id"),
        owner="t.account_id = q.account",
        time="x.sent_at",
        row_id="x.message_id",
        position="q.after_t",
        date_from="q.date_from",
        date_to="q.date_to",
        filters="(q.thread IS NULL OR x.thread_id = q.thread)",
    ),
}

# Positional parameters of a page statement, in order ($1..$14 arrays, $15 today's date).
PAGE_PARAMS: Final = (
    "ord int",
    "account text",
    "after_t timestamptz",
    "after_id text",
    "lim int",
    "want_total boolean",
    "date_from timestamptz",
    "date_to timestamptz",
    "statuses text",
    "clinics text",
    "code text",
    "active_only boolean",
    "archive_ok boolean",
    "thread text",
)


def _page(shape: Shape) -> str:
    arrays = ", ".join(f"${n}::{spec.split()[1]}[]" for n, spec in enumerate(PAGE_PARAMS, start=1))
    names = ", ".join(spec.split()[0] for spec in PAGE_PARAMS)
    # No position: start above every row ('infinity'), so that the comparison stays an index
    # condition and page 10 costs what page 1 costs.
    # With the total, the business ids of every match: the gateway counts cross-source duplicates.
    business = (
        f"array_agg({shape.business}) FILTER (WHERE {shape.business} IS NOT NULL)" if shape.business else "NULL::text[]"
    )
    after = shape.position.replace("q.after_t", "coalesce(q.after_t, 'infinity'::timestamptz)")
    matches = f"""{shape.owner} AND {shape.live} AND {shape.filters}
            AND (q.date_from IS NULL OR {shape.time} >= {shape.date_from})
            AND (q.date_to IS NULL OR {shape.time} <= {shape.date_to})"""
    return f"""
SELECT q.ord, tot.total, tot.business_ids, $15::date AS today, r.*
FROM unnest({arrays}) AS q({names})
LEFT JOIN LATERAL (
    SELECT count(*) AS total, {business} AS business_ids FROM {shape.tables}
    WHERE q.want_total AND {matches}
) tot ON true
LEFT JOIN LATERAL (
    SELECT {shape.columns}
    FROM {shape.tables}
    WHERE {matches}
      AND ({shape.time}, {shape.row_id}) < ({after}, coalesce(q.after_id, ''))
    ORDER BY {shape.time} DESC, {shape.row_id} DESC
    LIMIT q.lim + 1
) r ON true
ORDER BY q.ord, r.sort_t DESC, r.row_id DESC
"""


def _get(shape: Shape) -> str:
    return f"""
SELECT {shape.columns}
FROM {shape.tables}
WHERE {shape.row_id} = ANY($1::text[]) AND {shape.live}
"""


PAGE: Final[dict[RecordKind, str]] = {kind: _page(shape) for kind, shape in SHAPES.items()}
GET: Final[dict[RecordKind, str]] = {kind: _get(shape) for kind, shape in SHAPES.items()}

LINK: Final = """
SELECT a.account_id, a.dod_id, a.given_name, a.family_name, a.birth_date, a.gender,
       h.name AS organization
FROM tol.accounts a
LEFT JOIN tol.facilities h ON h.facility_id = a.home_facility
WHERE a.dod_id = ANY($1::bpchar[])
"""

# Accounts by id (whose record is this?) and by demographics (who is this community patient?).
ACCOUNTS: Final = LINK.replace("WHERE a.dod_id = ANY($1::bpchar[])", "WHERE a.account_id = ANY($1::text[])")
FIND_ACCOUNTS: Final = LINK.replace(
    "WHERE a.dod_id = ANY($1::bpchar[])",
    "WHERE lower(a.family_name) = lower($1::text) AND a.birth_date = $2::date",
)
FACILITIES: Final = """
SELECT facility_id, name AS facility_name, genesis_go_live
FROM tol.facilities
WHERE facility_id = ANY($1::text[])
"""
# The archive names providers but keeps no table of them: a name is known if a record carries it.
PROVIDERS: Final = """
SELECT provider_name AS name FROM tol.appointments WHERE provider_name = ANY($1::text[])
UNION
SELECT prescriber_name FROM tol.prescriptions WHERE prescriber_name = ANY($1::text[])
"""
