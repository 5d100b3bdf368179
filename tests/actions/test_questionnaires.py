"""Questionnaire responses: answers checked item by item, then one completed response in GENESIS."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from resolvers.actions.validation import AnswerInput, validate_answers
from sources.records import QuestionnaireItemRecord as Item
from sources.records import QuestionnaireItemType as T
from tests.actions.conftest import Actions, new_key, source_id
from tests.support.gql import gql

# ---- validation (pure) ----------------------------------------------------------------------------

FORM = (
    Item("intro", "Please answer", T.DISPLAY),
    Item("pain", "Pain?", T.BOOLEAN, required=True),
    Item("dentist", "Previous dentist", T.STRING),
    Item("concerns", "Concerns", T.TEXT),
    Item("brushing", "Brushing per day", T.INTEGER, required=True),
    Item("drinks", "Sugary drinks", T.DECIMAL),
    Item("cleaning", "Last cleaning", T.DATE),
    Item("floss", "Floss", T.CHOICE, required=True, options=("Daily", "Never")),
    Item(
        "medical",
        "Medical history",
        T.GROUP,
        items=(
            Item("thinners", "Blood thinners?", T.BOOLEAN, required=True),
            Item("allergies", "Allergies", T.STRING),
        ),
    ),
)
REQUIRED = [AnswerInput("pain", value_boolean=False), AnswerInput("brushing", value_integer=2),
            AnswerInput("floss", value_string="Daily")]  # fmt: skip


def problems(*answers: AnswerInput, form: tuple[Item, ...] = FORM) -> list[tuple[str, tuple[str, ...]]]:
    return [(p.code, p.field) for p in validate_answers(form, answers).problems]


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        (AnswerInput("pain", value_boolean=True), True),
        (AnswerInput("dentist", value_string="Dr Who"), "Dr Who"),
        (AnswerInput("concerns", value_string="Line one\nLine two"), "Line one\nLine two"),
        (AnswerInput("brushing", value_integer=0), 0),
        (AnswerInput("drinks", value_decimal=1.5), 1.5),
        (AnswerInput("cleaning", value_date=dt.date(2024, 3, 1)), dt.date(2024, 3, 1)),
        (AnswerInput("floss", value_string="Never"), "Never"),
        (AnswerInput("allergies", value_string="Latex"), "Latex"),
    ],
)
def test_each_item_type_takes_its_own_value(answer: AnswerInput, value: Any) -> None:
    required = [a for a in REQUIRED if a.link_id != answer.link_id]
    group = [AnswerInput("thinners", value_boolean=False)] if answer.link_id == "allergies" else []
    checked = validate_answers(FORM, [*required, *group, answer])
    assert checked.ok and checked.answers[answer.link_id] == value


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (AnswerInput("pain", value_string="yes"), "valueString"),
        (AnswerInput("dentist", value_integer=3), "valueInteger"),
        (AnswerInput("concerns", value_boolean=True), "valueBoolean"),
        (AnswerInput("brushing", value_decimal=2.0), "valueDecimal"),
        (AnswerInput("drinks", value_integer=1), "valueInteger"),
        (AnswerInput("cleaning", value_string="2024-03-01"), "valueString"),
        (AnswerInput("floss", value_boolean=True), "valueBoolean"),
    ],
)
def test_a_value_of_another_type_is_wrong_type(answer: AnswerInput, field: str) -> None:
    others = [a for a in REQUIRED if a.link_id != answer.link_id]
    assert problems(*others, answer) == [("WRONG_TYPE", ("input", "answers", str(len(others)), field))]


def test_none_or_two_values_are_wrong_type() -> None:
    assert problems(*REQUIRED, AnswerInput("dentist")) == [("WRONG_TYPE", ("input", "answers", "3"))]
    two = AnswerInput("dentist", value_string="a", value_integer=1)
    assert problems(*REQUIRED, two) == [("WRONG_TYPE", ("input", "answers", "3"))]


def test_a_choice_outside_the_options_is_invalid_option() -> None:
    answers = [*REQUIRED[:2], AnswerInput("floss", value_string="Weekly")]
    assert problems(*answers) == [("INVALID_OPTION", ("input", "answers", "2", "valueString"))]


def test_display_and_group_items_are_not_answerable() -> None:
    answers = [*REQUIRED, AnswerInput("intro", value_string="ok"), AnswerInput("medical", value_boolean=True)]
    assert problems(*answers) == [
        ("NOT_ANSWERABLE", ("input", "answers", "3", "linkId")),
        ("NOT_ANSWERABLE", ("input", "answers", "4", "linkId")),
    ]


def test_unknown_and_duplicate_link_ids() -> None:
    answers = [*REQUIRED, AnswerInput("nope", value_string="x"), AnswerInput("pain", value_boolean=True)]
    assert problems(*answers) == [
        ("UNKNOWN_ITEM", ("input", "answers", "3", "linkId")),
        ("DUPLICATE_ANSWER", ("input", "answers", "4", "linkId")),
    ]


def test_missing_required_items_are_named_all_at_once() -> None:
    checked = validate_answers(FORM, [AnswerInput("pain", value_boolean=True)])
    assert [(p.code, p.field) for p in checked.problems] == [("REQUIRED", ("input", "answers"))] * 2
    assert ["'brushing'" in checked.problems[0].message, "'floss'" in checked.problems[1].message] == [True, True]
    assert checked.answers == {}


def test_required_children_are_due_once_their_group_applies() -> None:
    assert problems(*REQUIRED) == []  # an optional group left out entirely
    started = problems(*REQUIRED, AnswerInput("allergies", value_string="Latex"))
    assert started == [("REQUIRED", ("input", "answers"))]  # thinners, because the group was started
    required_group = tuple(
        Item(i.link_id, i.text, i.type, True, i.options, i.items) if i.type is T.GROUP else i for i in FORM
    )
    assert problems(*REQUIRED, form=required_group) == [("REQUIRED", ("input", "answers"))]


def test_every_problem_is_reported_together() -> None:
    found = problems(
        AnswerInput("pain", value_string="no"),
        AnswerInput("floss", value_string="Sometimes"),
        AnswerInput("ghost", value_boolean=True),
    )
    assert [code for code, _ in found] == ["WRONG_TYPE", "INVALID_OPTION", "UNKNOWN_ITEM", "REQUIRED"]


# ---- the mutation against the demo stack ------------------------------------------------------------

PENDING = """query($pending: Boolean) { me { questionnaires(pendingOnly: $pending) {
  id completedAt questionnaire { title items { linkId type required options items { linkId type required } } } } } }"""
SUBMIT = """mutation Submit($input: SubmitQuestionnaireResponseInput!) { submitQuestionnaireResponse(input: $input) {
  assignment { id completedAt questionnaire { title } } userErrors { field code message } } }"""
VALID = [
    {"linkId": "tooth-pain", "valueBoolean": False},
    {"linkId": "previous-dentist", "valueString": "Harbor Dental"},
    {"linkId": "concerns", "valueString": "Sensitive to cold"},
    {"linkId": "brushing-per-day", "valueInteger": 2},
    {"linkId": "sugary-drinks", "valueDecimal": 1.5},
    {"linkId": "last-cleaning", "valueDate": "2025-01-15"},
    {"linkId": "floss", "valueString": "A few times a week"},
    {"linkId": "blood-thinners", "valueBoolean": False},
    {"linkId": "heart-condition", "valueBoolean": True},
]


async def assignments(actions: Actions, who: str = "P1", pending: bool = True) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await actions.ask(who, PENDING, {"pending": pending}))["me"]["questionnaires"]
    return found


async def submit(
    actions: Actions, assignment_id: str, answers: list[dict[str, Any]], key: str | None = None, who: str = "P1"
) -> dict[str, Any]:
    variables = {"input": {"assignmentId": assignment_id, "answers": answers, "idempotencyKey": key or new_key()}}
    payload: dict[str, Any] = (await actions.ask(who, SUBMIT, variables))["submitQuestionnaireResponse"]
    return payload


def responses(actions: Actions) -> list[dict[str, Any]]:
    return actions.resources("QuestionnaireResponse")


async def test_refusals_write_nothing(actions: Actions) -> None:
    (pending,) = await assignments(actions)
    before = len(responses(actions))

    wrong = await submit(actions, pending["id"], [
        {"linkId": "tooth-pain", "valueString": "no"},
        {"linkId": "floss", "valueString": "Hourly"},
        {"linkId": "intro", "valueString": "read it"},
        {"linkId": "ghost", "valueBoolean": True},
        {"linkId": "floss", "valueString": "Daily"},
    ])  # fmt: skip

    assert wrong["assignment"] is None
    assert [(e["code"], e["field"]) for e in wrong["userErrors"]] == [
        ("WRONG_TYPE", ["input", "answers", "0", "valueString"]),
        ("INVALID_OPTION", ["input", "answers", "1", "valueString"]),
        ("NOT_ANSWERABLE", ["input", "answers", "2", "linkId"]),
        ("UNKNOWN_ITEM", ["input", "answers", "3", "linkId"]),
        ("DUPLICATE_ANSWER", ["input", "answers", "4", "linkId"]),
        ("REQUIRED", ["input", "answers"]),
    ]
    assert "brushing-per-day" in wrong["userErrors"][-1]["message"]
    for who in ("C1", "A1"):
        assert [e["code"] for e in (await submit(actions, pending["id"], VALID, who=who))["userErrors"]] == [
            "FORBIDDEN"
        ]
    unknown = base64.urlsafe_b64encode(b"QuestionnaireAssignment:GENESIS:no-such-task").decode().rstrip("=")
    for who, assignment_id in (("P4", pending["id"]), ("P1", unknown)):  # someone else's, or none at all
        refused = await submit(actions, assignment_id, VALID, who=who)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", ["input", "assignmentId"])]
    assert len(responses(actions)) == before
    assert [a["id"] for a in await assignments(actions)] == [pending["id"]]


async def test_answers_complete_the_assignment_once(actions: Actions) -> None:
    (pending,) = await assignments(actions)
    assert pending["completedAt"] is None and pending["questionnaire"]["title"] == "Dental Health History"
    key = new_key()
    before = len(responses(actions))
    variables = {"input": {"assignmentId": pending["id"], "answers": VALID, "idempotencyKey": key}}

    await actions.faults(error_status=503)
    status, body = await gql(actions.stack, SUBMIT, variables, token=actions.token("P1"))
    assert status == 200
    assert [e["code"] for e in body["data"]["submitQuestionnaireResponse"]["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    await actions.clear_faults()
    assert len(responses(actions)) == before

    done = await submit(actions, pending["id"], VALID, key)

    assert done["userErrors"] == []
    assert done["assignment"]["id"] == pending["id"] and done["assignment"]["completedAt"] is not None
    assert await assignments(actions) == []
    (listed,) = [a for a in await assignments(actions, pending=False) if a["id"] == pending["id"]]
    assert listed["completedAt"] == done["assignment"]["completedAt"]
    assert len(responses(actions)) == before + 1
    task = actions.stack.portal.store.get("Task", source_id(pending["id"]))
    assert task is not None and task["status"] == "completed"
    response_id = task["output"][0]["valueReference"]["reference"].split("/")[1]
    response = actions.stack.portal.store.get("QuestionnaireResponse", response_id)
    assert response is not None
    assert response["status"] == "completed" and response["basedOn"] == [{"reference": f"Task/{task['id']}"}]
    assert response["subject"] == {"reference": task["for"]["reference"]}
    top = [i["linkId"] for i in response["item"]]
    assert "intro" not in top and top[-1] == "medical"
    medical = response["item"][-1]["item"]
    assert [(i["linkId"], i["answer"]) for i in medical] == [
        ("blood-thinners", [{"valueBoolean": False}]), ("heart-condition", [{"valueBoolean": True}])
    ]  # fmt: skip
    by_link = {i["linkId"]: i["answer"][0] for i in response["item"] if "answer" in i}
    assert by_link["last-cleaning"] == {"valueDate": "2025-01-15"} and by_link["sugary-drinks"] == {"valueDecimal": 1.5}

    assert await submit(actions, pending["id"], VALID, key) == done  # a retry replays, writes nothing
    reused = await submit(actions, pending["id"], VALID[:-1], key)
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    again = await submit(actions, pending["id"], VALID)
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [("ALREADY_COMPLETED", ["input", "assignmentId"])]
    assert len(responses(actions)) == before + 1
