"""The health library: search by words or by code, and topics for a batch of records' codes."""

from __future__ import annotations

import asyncpg
import pytest

from gateway.store import HealthTopicStore
from sources.records import Coding

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.fixture
def topics(library_pool: asyncpg.Pool) -> HealthTopicStore:
    return HealthTopicStore(library_pool)


async def test_no_filter_lists_every_topic_by_title(topics: HealthTopicStore) -> None:
    every = await topics.search()
    titles = [t.title for t in every]
    assert len(every) >= 12
    assert titles == sorted(titles)
    for topic in every:
        assert topic.codes and topic.approved_by and topic.reviewed_on
        assert 2 <= topic.summary.count(". ") + 1 <= 5


async def test_words_find_topics_by_meaning_with_the_best_match_first(
    topics: HealthTopicStore,
) -> None:
    found = await topics.search("diabetes")
    assert found[0].id == "type-2-diabetes"
    cavities = await topics.search("cavity")  # stemmed: the summary says "cavities"
    assert [t.id for t in cavities] == ["tooth-decay"]


async def test_part_of_a_word_still_finds_the_topic(topics: HealthTopicStore) -> None:
    found = await topics.search("thyro")
    assert {t.id for t in found} >= {"hypothyroidism", "tsh-test"}


async def test_words_that_match_nothing_find_nothing(topics: HealthTopicStore) -> None:
    assert await topics.search("zebra crossing") == []
    assert await topics.search("100%_") == []


async def test_a_code_finds_the_topics_that_explain_it(topics: HealthTopicStore) -> None:
    by_icd = await topics.search(system=ICD10, code="E11.9")
    assert [t.id for t in by_icd] == ["type-2-diabetes"]
    assert (
        Coding(ICD10, "E11.9", "Type 2 diabetes mellitus without complications") in by_icd[0].codes
    )
    by_loinc = await topics.search(system=LOINC, code="4548-4")
    assert [t.id for t in by_loinc] == ["hemoglobin-a1c", "type-2-diabetes"]
    assert await topics.search(system=RXNORM, code="E11.9") == []


async def test_a_code_without_a_system_matches_any_system(topics: HealthTopicStore) -> None:
    assert [t.id for t in await topics.search(code="e11.9")] == ["type-2-diabetes"]


async def test_words_and_code_together_must_both_match(topics: HealthTopicStore) -> None:
    both = await topics.search("blood sugar", LOINC, "4548-4")
    assert {t.id for t in both} == {"hemoglobin-a1c", "type-2-diabetes"}
    assert await topics.search("asthma", ICD10, "E11.9") == []


async def test_for_codes_answers_each_record_in_order(topics: HealthTopicStore) -> None:
    answer = await topics.for_codes(
        [
            [Coding(ICD10, "I10")],
            [],
            [Coding(LOINC, "0000-0")],
            [Coding(ICD10, "D64.9"), Coding(LOINC, "718-7")],
            [Coding(RXNORM, "745679")],
        ]
    )
    assert [[t.id for t in topics_of] for topics_of in answer] == [
        ["high-blood-pressure"],
        [],
        [],
        ["anemia", "complete-blood-count"],
        ["asthma"],
    ]


async def test_for_codes_of_nothing_is_nothing(topics: HealthTopicStore) -> None:
    assert await topics.for_codes([]) == []
    assert await topics.for_codes([[], []]) == [[], []]


async def test_get_is_aligned_with_the_ids(topics: HealthTopicStore) -> None:
    got = await topics.get(["asthma", "no-such-topic", "gum-disease", "asthma"])
    assert [t.id if t else None for t in got] == ["asthma", None, "gum-disease", "asthma"]


async def test_every_code_the_synthetic_data_uses_has_a_topic(topics: HealthTopicStore) -> None:
    from sandbox.data import codes

    used = [
        *(Coding(codes.ICD10, c) for c in codes.ICD10_CODES),
        *(Coding(codes.SNOMED, c.snomed) for c in codes.CONDITIONS),
        *(Coding(codes.LOINC, c) for c in codes.LOINC_CODES),
        *(Coding(codes.RXNORM, c) for c in codes.RXNORM_CODES),
    ]
    answer = await topics.for_codes([[coding] for coding in used])
    assert [c.code for c, found in zip(used, answer, strict=True) if not found] == []
