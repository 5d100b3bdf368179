"""Errors during execution never write the query text, variables or a traceback to the logs."""

from __future__ import annotations

import logging

import pytest

from resolvers.context import RequestContext
from resolvers.principal import Principal, Role
from resolvers.services import Services
from schema import build_schema


async def test_a_refused_patient_lookup_logs_no_dod_id(caplog: pytest.LogCaptureFixture) -> None:
    schema = build_schema()
    context = RequestContext(Services(sources={}), Principal(Role.PATIENT, "1000000001"), "req-1")
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute('{ patient(dodId: "1000000002") { dodId } }', context_value=context)
    assert result.errors and result.errors[0].extensions == {"code": "FORBIDDEN"}
    text = caplog.text
    assert "1000000002" not in text
    assert "Traceback" not in text
