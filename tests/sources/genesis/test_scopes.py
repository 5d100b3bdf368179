"""The GENESIS adapter asks for named scopes only, each one Millennium grants, and its defaults are them."""

from __future__ import annotations

from sandbox.millennium.scopes import SYSTEM_SCOPES
from sources.genesis.plans import MILLENNIUM_PLANS
from sources.genesis.scopes import READ_SCOPES, WRITE_SCOPES
from sources.genesis.spec import GenesisConfig


def test_every_scope_is_named_and_granted_by_millennium() -> None:
    asked = [*READ_SCOPES.split(), *WRITE_SCOPES.split()]
    assert asked and not [s for s in asked if "*" in s]
    assert set(asked) <= set(SYSTEM_SCOPES), set(asked) - set(SYSTEM_SCOPES)


def test_the_scopes_cover_every_type_the_adapter_reads_and_writes() -> None:
    reads = {s.removeprefix("system/").removesuffix(".read") for s in READ_SCOPES.split()}
    assert {plan.resource_type for plan in MILLENNIUM_PLANS.values()} <= reads
    assert {"Patient", "Practitioner", "Location", "Schedule", "Binary", "Encounter"} <= reads  # lookups, export
    assert WRITE_SCOPES == "system/Appointment.write"
    assert GenesisConfig.__dataclass_fields__["write_scope"].default == WRITE_SCOPES
