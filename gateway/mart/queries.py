"""The SQL a cohort question becomes: parameterised, over the current snapshot's views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from resolvers.deid.ages import LOWER_BOUNDS, AgeBand
from resolvers.ports import CohortQuery, Dimension

__all__ = ["ICD10", "LOINC", "RXNORM", "cohort_sql", "count_sql", "members_sql"]

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _age_band(reference_year: int) -> str:
    """The age band of a patient row, as `resolvers.deid.ages.age_band` computes it."""
    year = int(reference_year)
    arms = " ".join(f"WHEN {year} - birth_year >= {low} THEN '{band.value}'" for low, band in LOWER_BOUNDS)
    return (f"CASE WHEN over_89 THEN '{AgeBand.AGE_90_PLUS.value}' WHEN birth_year IS NULL THEN NULL "
            f"{arms} ELSE '{AgeBand.UNDER_18.value}' END")


def _in(column: str, values: Sequence[Any], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _years(q: CohortQuery, params: list[Any]) -> str:
    if q.years is None:
        return "true"
    params.extend(q.years)
    return "x.year BETWEEN ? AND ?"


def _exists(table: str, conditions: list[str]) -> str:
    return f"EXISTS (SELECT 1 FROM {table} x WHERE x.is_primary AND x.person_key = p.person_key AND " \
           + " AND ".join(conditions) + ")"


def cohort_sql(q: CohortQuery, reference_year: int) -> tuple[str, list[Any]]:
    """`SELECT person_key, sex, age_band, facility` of everyone in the cohort, and its parameters."""
    params: list[Any] = []
    where: list[str] = []
    if q.conditions:
        params.append(ICD10)
        codes = " OR ".join("starts_with(x.code_code, ?)" for _ in q.conditions)
        params.extend(q.conditions)
        where.append(_exists("conditions", ["x.code_system = ?", f"({codes})", _years(q, params)]))
    for lab in q.labs:
        params.extend((LOINC, lab.code))
        parts = ["x.code_system = ?", "x.code_code = ?"]
        if lab.interpretations:
            parts.append(_in("x.interpretation", lab.interpretations, params))
        parts.append(_years(q, params))
        where.append(_exists("lab_results", parts))
    if q.medications:
        params.append(RXNORM)
        where.append(_exists("medications", ["x.medication_system = ?", _in("x.medication_code", q.medications,
                                                                               params), _years(q, params)]))
    if q.services:
        where.append(_exists("visits", [_in("x.service", q.services, params), _years(q, params)]))
    for column, values in (("p.facility", q.facilities), ("p.age_band", q.age_bands), ("p.sex", q.sexes)):
        if values:
            where.append(_in(column, values, params))
    base = (f"SELECT person_key, sex, {_age_band(reference_year)} AS age_band, "
            "CASE WHEN home_facility IS NULL THEN NULL ELSE home_source || ':' || home_facility END AS facility "
            "FROM patients WHERE is_primary")
    sql = f"SELECT person_key, sex, age_band, facility FROM ({base}) p WHERE " + (" AND ".join(where) or "true")
    return sql, params


_COLUMN = {Dimension.FACILITY: "c.facility", Dimension.AGE_BAND: "c.age_band", Dimension.SEX: "c.sex",
           Dimension.SERVICE: "s.service"}


def count_sql(q: CohortQuery, dimensions: Sequence[Dimension], reference_year: int) -> tuple[str, list[Any]]:
    """Distinct people per combination of `dimensions` (with a SERVICE join when asked)."""
    cohort, params = cohort_sql(q, reference_year)
    join = ""
    if Dimension.SERVICE in dimensions:
        years: list[Any] = []
        clause = _years(q, years)
        join = (f"LEFT JOIN (SELECT DISTINCT x.person_key, x.service FROM visits x WHERE x.is_primary AND {clause})"
                " s ON s.person_key = c.person_key")
        params = [*params, *years]
    columns = [_COLUMN[d] for d in dimensions]
    select = ", ".join([*columns, "count(DISTINCT c.person_key)"])
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    return f"WITH c AS ({cohort}) SELECT {select} FROM c {join}{group}", params


def members_sql(q: CohortQuery, reference_year: int) -> tuple[str, list[Any]]:
    return cohort_sql(q, reference_year)
