"""docs/millennium-rules.md names, for every rule, a test that exists; every refusal row is documented."""

from __future__ import annotations

import re
from pathlib import Path

from .test_refusals import ROWS

HERE = Path(__file__).parent
DOC = HERE.parents[2] / "docs" / "millennium-rules.md"
_TEST = re.compile(r"`((?:refused\[[^\]]+\])|(?:test_\w+\.py::\w+(?:\[[^\]]+\])?))`")


def _rows() -> list[tuple[str, list[str]]]:
    """(rule id, tests named) for every row of the rules tables."""
    out = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if line.startswith("| ") and len(cells) == 4 and cells[0] not in ("id", "---"):
            out.append((cells[0], _TEST.findall(cells[3])))
    return out


def test_every_rule_names_tests_that_exist() -> None:
    rows = _rows()
    assert len(rows) > 80
    refusal_ids = {r.rule for r in ROWS}
    for rule, tests in rows:
        assert tests, f"rule {rule} names no test"
        for name in tests:
            if name.startswith("refused["):
                assert name[len("refused[") : -1] in refusal_ids, (rule, name)
                continue
            path, _, function = name.partition("::")
            function, _, param = function.partition("[")
            source = (HERE / path).read_text()
            assert f"def {function}(" in source, (rule, name)
            if param:
                assert f'"{param.split("-")[0]}"' in source, (rule, name)


def test_every_refusal_row_is_documented() -> None:
    documented = {t[len("refused[") : -1] for _, tests in _rows() for t in tests if t.startswith("refused[")}
    assert {r.rule for r in ROWS} - documented == set()
