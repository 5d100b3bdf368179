"""What counts as a DoD ID: exactly ten ASCII digits, nothing around them."""

from __future__ import annotations

import pytest

from resolvers.patients import is_dod_id


@pytest.mark.parametrize("value", ["1000000001", "0000000000"])
def test_ten_ascii_digits_are_a_dod_id(value: str) -> None:
    assert is_dod_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "1000000001\n",
        " 1000000001",
        "100000000",
        "10000000011",
        "\u0661" + "\u0660" * 8 + "\u0661",  # Arabic-Indic digits
        "\uff11" + "\uff10" * 8 + "\uff11",  # fullwidth digits
        "10000000O1",
        "",
    ],
)
def test_anything_else_is_not(value: str) -> None:
    assert not is_dod_id(value)
