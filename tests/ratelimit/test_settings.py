"""Rate-limit settings from the environment: per role, per address, bookings; bad values named."""

from __future__ import annotations

import pytest

from gateway.config import Config
from gateway.errors import ConfigError
from resolvers.principal import Role
from tests.gateway.test_config import BASE


def test_defaults_limit_every_role_and_address() -> None:
    limits = Config.from_env(BASE).rate_limits
    assert limits.enabled and limits.bookings_per_day == 5
    patient = limits.budget(Role.PATIENT)
    assert [str(item) for item in patient.reads] == ["120 per 1 minute", "2000 per 1 hour"]
    assert limits.budget(Role.CLINICIAN).reads[0].amount > patient.reads[0].amount
    assert limits.address.reads[0].amount >= limits.budget(Role.CLINICIAN).reads[0].amount


def test_each_budget_is_configured_by_its_own_variable() -> None:
    limits = Config.from_env({
        **BASE,
        "MHS_GATEWAY_RATE_LIMIT_ANALYST_READS": "10/second;100/hour",
        "MHS_GATEWAY_RATE_LIMIT_ADDRESS_WRITES": "7/minute",
        "MHS_GATEWAY_BOOKINGS_PER_DAY": "3",
    }).rate_limits
    assert [str(item) for item in limits.budget(Role.ANALYST).reads] == ["10 per 1 second", "100 per 1 hour"]
    assert [str(item) for item in limits.address.writes] == ["7 per 1 minute"]
    assert limits.bookings_per_day == 3
    assert not Config.from_env({**BASE, "MHS_GATEWAY_RATE_LIMITS": "off"}).rate_limits.enabled


@pytest.mark.parametrize(("name", "value"), [
    ("MHS_GATEWAY_RATE_LIMIT_PATIENT_READS", "lots"),
    ("MHS_GATEWAY_RATE_LIMIT_CLINICIAN_WRITES", "5/fortnight"),
    ("MHS_GATEWAY_BOOKINGS_PER_DAY", "-1"),
    ("MHS_GATEWAY_RATE_LIMITS", "maybe"),
])
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE, name: value})
    assert caught.value.name == name
