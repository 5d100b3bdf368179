"""The mart's columns are stored by the one policy table; suppression hides what subtraction would show."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.mart.tables import TABLES
from resolvers.cohorts import suppress
from resolvers.deid.policy import POLICY, Rule, Treatment, rule_of
from resolvers.deid.stored import NEVER_STORED, stored
from resolvers.ports import CohortCounts, Dimension


def test_every_value_column_names_a_policy_field_the_mart_may_hold() -> None:
    for table in TABLES:
        for column in table.columns:
            if column.field is None:
                assert column.get is None and column.type in ("VARCHAR", "INTEGER", "BOOLEAN"), column
                continue
            assert column.field in POLICY, column
            assert rule_of(column.field).treatment not in NEVER_STORED, column  # nothing removed, nothing per project
    dates = {c.field for t in TABLES for c in t.columns if c.field and rule_of(c.field).treatment is Treatment.DATE}
    assert dates and all(c.type == "INTEGER" for t in TABLES for c in t.columns if c.field in dates)  # years only


def test_stored_values_are_years_codes_and_no_birth_year_past_89() -> None:
    assert stored(Rule(Treatment.DATE), dt.datetime(2024, 3, 5, 8, 30, tzinfo=dt.UTC), reference_year=2026) == 2024
    assert stored(Rule(Treatment.DATE), dt.datetime(2024, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
                  reference_year=2026) == 2025  # the year in UTC
    birth = Rule(Treatment.BIRTH_DATE)
    assert stored(birth, dt.date(1960, 7, 1), reference_year=2026) == 1960
    assert stored(birth, dt.date(1936, 12, 31), reference_year=2026) is None  # 89 or 90: withheld
    for treatment in NEVER_STORED:
        with pytest.raises(ValueError):
            stored(Rule(treatment), "anything", reference_year=2026)


def _counts(cells: dict[str, int]) -> CohortCounts:
    return CohortCounts(sum(cells.values()), [((k,), v) for k, v in cells.items()],
                        {Dimension.SEX: (*cells, None)}, {})


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    total, cells = suppress(_counts({"female": 40, "male": 25, "other": 3, "unknown": 0}), [Dimension.SEX], 11)
    assert total == 68
    assert [(c.values[0], c.count, c.suppressed) for c in cells] == [
        ("female", 40, False), ("male", 25, False), ("other", None, True), ("unknown", None, True), (None, None, True)]
    # with exactly one small cell, a second one is hidden so that total minus the rest tells nothing
    total, cells = suppress(CohortCounts(45, [(("female",), 40), (("male",), 5)], {Dimension.SEX: ("female", "male")},
                                         {}), [Dimension.SEX], 11)
    assert total == 45 and [c.count for c in cells] == [None, None]


def test_a_small_cohort_shows_nothing_and_service_cells_need_no_complement() -> None:
    total, cells = suppress(_counts({"female": 6, "male": 4}), [Dimension.SEX], 11)
    assert total is None and all(c.suppressed and c.count is None for c in cells)
    services = {Dimension.SERVICE: ("DENTAL", "PRIMARY_CARE")}
    counts = CohortCounts(30, [(("DENTAL",), 30), (("PRIMARY_CARE",), 2)], services, {})
    _, cells = suppress(counts, [Dimension.SERVICE], 11)  # a patient counts in every service: no partition
    assert [c.count for c in cells] == [30, None]


def test_duckdb_never_fetches_an_extension() -> None:
    from gateway.mart.duck import connect

    con = connect()
    try:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
        found = con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()
        loaded = {row[0] for row in found}
    finally:
        con.close()
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    assert "parquet" in loaded  # bundled in the wheel


def test_trino_and_spark_tables_over_a_snapshot() -> None:
    from gateway.mart.ddl import ddl

    trino = ddl("trino", "s3://mhs-mart/snapshots/20260101T000000Z-abcdef/")
    for table in TABLES:
        location = f"external_location = 's3://mhs-mart/snapshots/20260101T000000Z-abcdef/{table.name}'"
        create = next(s for s in trino.split(";") if f"CREATE TABLE hive.mhs_mart.{table.name} (" in s)
        assert location in create and "partitioned_by = ARRAY['source']" in create
        assert create.split("(", 1)[1].split(")")[0].strip().endswith("source varchar")  # partition column last
        assert f"sync_partition_metadata('mhs_mart', '{table.name}', 'FULL')" in trino
    spark = ddl("spark", "/data/mart/snapshots/x")
    assert all(f"CREATE TABLE mhs_mart.{t.name} USING parquet LOCATION '/data/mart/snapshots/x/{t.name}'" in spark
               and f"MSCK REPAIR TABLE mhs_mart.{t.name}" in spark for t in TABLES)
