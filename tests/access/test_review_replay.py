"""A replayed booking (same idempotency key) answers like the first call, nested fields included:
the appointment's questionnaire is read under the same access rule and audit as any read."""

from __future__ import annotations

from typing import Any

from tests.actions.conftest import Actions, action_stack, actions, claim, new_key  # noqa: F401

BOOK = """mutation Book($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  appointment { id status questionnaire { id } } userErrors { code } } }"""


async def test_a_replayed_booking_answers_its_nested_fields(actions: Actions, claim: Any) -> None:  # noqa: F811
    (slot,) = claim(await actions.slots("P4", service="DENTAL", days=60))
    variables = {"input": {"slotId": slot["id"], "idempotencyKey": new_key()}}
    first = await actions.ask("P4", BOOK, variables)
    again = await actions.ask("P4", BOOK, variables)
    assert again == first
