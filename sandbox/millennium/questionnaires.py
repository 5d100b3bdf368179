"""`PUT /QuestionnaireResponse/:id`: answers to an existing response (there is no create)
(clinical/diagnostics/questionnaire-response.md, Update; questionnaire_response.yaml)."""

from __future__ import annotations

from typing import Any

from sandbox.fhir.messages import FhirRequest, FhirResponse

from .errors import Invalid, Unprocessable
from .versions import check_if_match, headers_of, save
from .writing import WriteContext, body_of, existing

__all__ = ["update_questionnaire_response"]

_ANSWER_TYPES = frozenset({"valueString", "valueQuantity", "valueCoding"})


async def update_questionnaire_response(ctx: WriteContext, request: FhirRequest, qid: str) -> FhirResponse:
    """Replace the response's answers; `If-Match` is not required here, but a stale one is 409."""
    current = existing(ctx.store, "QuestionnaireResponse", qid)  # no update-as-create
    body = body_of(request, "QuestionnaireResponse")
    if body.get("id") != qid:
        raise Invalid("the body's id must equal the id in the URL")
    for name in ("questionnaire", "subject", "item"):
        if not body.get(name):
            raise Unprocessable(f"QuestionnaireResponse.{name} is required")
    if body.get("status") != "in-progress":
        raise Unprocessable("QuestionnaireResponse.status must be in-progress")
    _check_items(body["item"])
    with ctx.locks.hold(("QuestionnaireResponse", qid)):
        check_if_match(request, current, required=False)
        stored = save(ctx.store, {**current, **{k: v for k, v in body.items() if k != "meta"}})
    return FhirResponse(200, None, headers_of(ctx.base_url, stored))


def _check_items(items: Any) -> None:
    if not isinstance(items, list):
        raise Unprocessable("QuestionnaireResponse.item must be a list")
    for item in items:
        if not isinstance(item, dict) or not item.get("linkId"):
            raise Unprocessable("every item needs a linkId")
        for answer in item.get("answer") or ():
            kinds = {k for k in answer if k.startswith("value")}
            if not kinds <= _ANSWER_TYPES:
                raise Unprocessable("only valueString, valueQuantity and valueCoding answers are supported")
        _check_items(item.get("item") or [])
