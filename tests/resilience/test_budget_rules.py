"""The retry budget's rules, on a clock the test moves: a share of recent calls plus a reserve,
forgotten after the window; one retry at most while the source is failing. And where each
source's knobs are read from."""

from __future__ import annotations

import pytest

from gateway.config import Config
from sandbox.fhir.keys import make_client_keypair
from sources.fhir.budget import RetryBudget
from tests.gateway.test_config import BASE


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _spend(budget: RetryBudget) -> int:
    taken = 0
    while budget.withdraw():
        taken += 1
    return taken


def test_the_reserve_lets_a_quiet_source_retry_a_little() -> None:
    budget = RetryBudget(percent=0.2, reserve_per_second=0.5, window=10.0, clock=Clock())
    assert _spend(budget) == 5


def test_retries_are_a_share_of_recent_calls() -> None:
    clock = Clock()
    budget = RetryBudget(percent=0.2, reserve_per_second=0.0, window=10.0, clock=clock)
    for _ in range(100):
        budget.called()
    assert _spend(budget) == 20
    clock.now += 5
    for _ in range(50):
        budget.called()
    assert _spend(budget) == 10  # the window holds 150 calls and 20 retries: 10 more
    clock.now += 10.5  # the first 100 calls and their retries are forgotten
    assert _spend(budget) == 0  # 50 calls and their 10 retries remain: nothing is left


def test_one_retry_at_most_while_the_source_is_failing() -> None:
    budget = RetryBudget()
    assert budget.retries_for(2) == 2
    budget.answered(False)
    assert budget.retries_for(2) == 1 and budget.retries_for(0) == 0
    budget.answered(True)
    assert budget.retries_for(2) == 2


def test_a_budget_out_of_range_is_refused() -> None:
    for bad in ({"percent": 1.5}, {"reserve_per_second": -1}, {"window": 0}):
        with pytest.raises(ValueError):
            RetryBudget(**bad)  # type: ignore[arg-type]


def _genesis(**extra: str) -> dict[str, str]:
    pem, _, kid = make_client_keypair("RSA")
    return {**BASE, "MHS_GATEWAY_GENESIS_URL": "http://127.0.0.1:9/fhir", "MHS_GATEWAY_GENESIS_TOKEN_URL":
            "http://127.0.0.1:9/token", "MHS_GATEWAY_GENESIS_CLIENT_ID": "gw", "MHS_GATEWAY_GENESIS_KEY_ID": kid,
            "MHS_GATEWAY_GENESIS_PRIVATE_KEY": pem, **{f"MHS_GATEWAY_GENESIS_{k}": v for k, v in extra.items()}}


def test_each_source_reads_its_own_retry_breaker_and_timeout_settings() -> None:
    defaults = Config.from_env(_genesis()).source("GENESIS")
    assert defaults is not None
    fhir = defaults.config.fhir
    assert (fhir.retries, fhir.retry_budget, fhir.retry_reserve, fhir.breaker_failures, fhir.breaker_reset,
            fhir.call_timeout) == (2, 0.2, 1.0, 5, 10.0, None)
    tuned = Config.from_env(_genesis(RETRIES="1", RETRY_BUDGET="10", RETRY_RESERVE="0.5", BREAKER_FAILURES="3",
                                     BREAKER_RESET="30", TIMEOUT="1.5")).source("GENESIS")
    assert tuned is not None
    fhir = tuned.config.fhir
    assert (fhir.retries, fhir.retry_budget, fhir.retry_reserve, fhir.breaker_failures, fhir.breaker_reset,
            fhir.call_timeout) == (1, 0.1, 0.5, 3, 30.0, 1.5)


@pytest.mark.parametrize(("name", "value"), [("RETRY_BUDGET", "150"), ("BREAKER_FAILURES", "0"), ("TIMEOUT", "-1")])
def test_a_bad_source_setting_names_its_variable(name: str, value: str) -> None:
    from gateway.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        Config.from_env(_genesis(**{name: value}))
    assert caught.value.name == f"MHS_GATEWAY_GENESIS_{name}"
