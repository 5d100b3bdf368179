"""Questionnaire answers checked against the form's items: pure functions, every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sources.records import QuestionnaireItemRecord, QuestionnaireItemType
from sources.writes import ANSWER_FIELD, AnswerValue

__all__ = ["AnswerInput", "AnswerProblem", "AnswerValue", "Validated", "validate_answers"]

_NOT_ANSWERABLE = frozenset({QuestionnaireItemType.DISPLAY, QuestionnaireItemType.GROUP})


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer as the client sent it: a linkId and (it should be) exactly one value."""

    link_id: str
    value_boolean: bool | None = None
    value_string: str | None = None
    value_integer: int | None = None
    value_decimal: float | None = None
    value_date: dt.date | None = None

    def values(self) -> dict[str, AnswerValue]:
        """The value fields that were given, by their input name."""
        given: dict[str, AnswerValue | None] = {
            "valueBoolean": self.value_boolean,
            "valueString": self.value_string,
            "valueInteger": self.value_integer,
            "valueDecimal": self.value_decimal,
            "valueDate": self.value_date,
        }
        return {name: v for name, v in given.items() if v is not None}


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """Why one answer (or the set of answers) cannot be accepted; never echoes the answer."""

    code: str
    field: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Validated:
    """The outcome: answers by linkId (when there are no problems) or every problem found."""

    answers: Mapping[str, AnswerValue]
    problems: tuple[AnswerProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _walk(items: Sequence[QuestionnaireItemRecord]) -> Iterator[QuestionnaireItemRecord]:
    for item in items:
        yield item
        yield from _walk(item.items)


def _answer_field(i: int, *rest: str) -> tuple[str, ...]:
    return ("input", "answers", str(i), *rest)


def _check_value(i: int, item: QuestionnaireItemRecord, answer: AnswerInput) -> AnswerProblem | None:
    given = answer.values()
    expected = ANSWER_FIELD[item.type]
    kind = item.type.value
    if len(given) != 1:
        many = "more than one value" if given else "no value"
        return AnswerProblem(
            "WRONG_TYPE", _answer_field(i), f"Item '{item.link_id}' ({kind}) takes one {expected}; got {many}."
        )
    name, value = next(iter(given.items()))
    if name != expected:
        return AnswerProblem(
            "WRONG_TYPE", _answer_field(i, name), f"Item '{item.link_id}' ({kind}) takes {expected}, not {name}."
        )
    if item.type is QuestionnaireItemType.CHOICE and value not in item.options:
        options = ", ".join(f"'{o}'" for o in item.options)
        return AnswerProblem(
            "INVALID_OPTION", _answer_field(i, name), f"Item '{item.link_id}' takes one of: {options}."
        )
    return None


def _missing(
    items: Sequence[QuestionnaireItemRecord], answered: Mapping[str, AnswerValue]
) -> Iterator[QuestionnaireItemRecord]:
    """Required items left unanswered. A group applies when it is required or holds an answer;
    only then are its required children due."""
    for item in items:
        if item.type is QuestionnaireItemType.DISPLAY:
            continue
        if item.type is QuestionnaireItemType.GROUP:
            applies = item.required or any(x.link_id in answered for x in _walk(item.items))
            if not applies:
                continue
            due = list(_missing(item.items, answered))
            if due:
                yield from due
            elif item.required and not any(x.link_id in answered for x in _walk(item.items)):
                yield item  # a required group with nothing required inside: something must be in it
            continue
        if item.required and item.link_id not in answered:
            yield item


def validate_answers(items: Sequence[QuestionnaireItemRecord], answers: Sequence[AnswerInput]) -> Validated:
    """Check every answer against the item its linkId names, and that required items are answered."""
    by_link = {item.link_id: item for item in _walk(items)}
    problems: list[AnswerProblem] = []
    seen: set[str] = set()
    accepted: dict[str, AnswerValue] = {}
    for i, answer in enumerate(answers):
        link_field = _answer_field(i, "linkId")
        item = by_link.get(answer.link_id)
        if item is None:
            problems.append(AnswerProblem("UNKNOWN_ITEM", link_field, "No item of this questionnaire has that linkId."))
            continue
        if answer.link_id in seen:
            problems.append(
                AnswerProblem("DUPLICATE_ANSWER", link_field, f"Item '{item.link_id}' is answered more than once.")
            )
            continue
        seen.add(answer.link_id)
        if item.type in _NOT_ANSWERABLE:
            what = "a heading" if item.type is QuestionnaireItemType.DISPLAY else "a group"
            problems.append(
                AnswerProblem("NOT_ANSWERABLE", link_field, f"Item '{item.link_id}' is {what}; answer its items.")
            )
            continue
        problem = _check_value(i, item, answer)
        if problem is not None:
            problems.append(problem)
            continue
        accepted[answer.link_id] = next(iter(answer.values().values()))
    # Required items count as answered when an answer was given, even one with a problem.
    answered: dict[str, AnswerValue] = {a.link_id: True for a in answers if a.link_id in by_link}
    for item in _missing(items, answered):
        problems.append(
            AnswerProblem("REQUIRED", ("input", "answers"), f"Item '{item.link_id}' is required: answer it.")
        )
    if problems:
        return Validated({}, tuple(problems))
    return Validated(accepted, ())
