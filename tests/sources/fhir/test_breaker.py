"""The circuit breaker around one call (`CircuitBreaker.guard`): which outcomes open it, which close
it, and which leave no verdict; the same for the FHIR client and the GENESIS portal client."""

from __future__ import annotations

import asyncio

import pytest

from sources.errors import SourceError, SourceTimeout, SourceUnavailable, UpstreamRejected
from sources.fhir.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _open() -> SourceError:
    return SourceUnavailable("GENESIS", "circuit open")


async def _fail(breaker: CircuitBreaker, error: BaseException) -> None:
    with pytest.raises(type(error)):
        async with breaker.guard(_open):
            raise error


@pytest.mark.parametrize("error", [
    UpstreamRejected("GENESIS", 503, "http://x/fhir/Patient"),
    UpstreamRejected("GENESIS", 429, "http://x/fhir/Patient"),
    SourceTimeout("GENESIS", "patient"),
    SourceUnavailable("GENESIS", "patient"),
])
async def test_a_source_that_is_down_opens_it_after_the_threshold(error: SourceError) -> None:
    breaker = CircuitBreaker(2, 30.0, clock=Clock())
    await _fail(breaker, error)
    assert breaker.state is BreakerState.CLOSED
    await _fail(breaker, error)
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(SourceUnavailable, match="circuit open"):  # refused at once, the call never made
        async with breaker.guard(_open):
            raise AssertionError("called while open")


async def test_a_refusal_is_an_answer_and_closes_the_count() -> None:
    breaker = CircuitBreaker(2, 30.0, clock=Clock())
    await _fail(breaker, SourceTimeout("GENESIS", "patient"))
    await _fail(breaker, UpstreamRejected("GENESIS", 404, "http://x/fhir/Patient/1"))  # it answered: up
    await _fail(breaker, SourceTimeout("GENESIS", "patient"))
    assert breaker.state is BreakerState.CLOSED


async def test_a_cancelled_probe_frees_the_half_open_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 30.0, clock=clock)
    await _fail(breaker, SourceTimeout("GENESIS", "patient"))
    clock.now = 31.0
    await _fail(breaker, asyncio.CancelledError())  # the probe went out and was cancelled: no verdict
    assert breaker.state is BreakerState.HALF_OPEN
    async with breaker.guard(_open):  # the next call may probe, and its success closes it
        pass
    assert breaker.state is BreakerState.CLOSED
