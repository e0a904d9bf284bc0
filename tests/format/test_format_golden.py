"""Golden before/after files of the formatter.

Each `golden/NAME.before.crm` is formatted and compared with `golden/NAME.after.crm`.
Update them after a deliberate layout change with:

    CRMDSL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/format/test_format_golden.py

and review the diff of `tests/format/golden/` before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from update_flag import update_requested

from crmdsl.formatter.printer import format_text

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name.removesuffix(".before.crm") for p in GOLDEN.glob("*.before.crm"))


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    before = (GOLDEN / f"{name}.before.crm").read_text(encoding="utf-8")
    after_path = GOLDEN / f"{name}.after.crm"
    got = format_text(before, f"{name}.crm")
    if update_requested("CRMDSL_UPDATE_GOLDEN"):
        after_path.write_text(got, encoding="utf-8", newline="")
    assert got == after_path.read_text(encoding="utf-8")
    assert format_text(got, f"{name}.crm") == got, "formatting is not idempotent"


def test_every_golden_has_its_after_file() -> None:
    assert CASES
    for name in CASES:
        assert (GOLDEN / f"{name}.after.crm").is_file(), f"run CRMDSL_UPDATE_GOLDEN=1 for {name}"
