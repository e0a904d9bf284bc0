"""When goldens and fixture snapshots may be rewritten: `1` only, never in CI."""

from __future__ import annotations

import pytest
from update_flag import update_requested


@pytest.mark.parametrize(
    ("value", "ci", "expected"),
    [
        ("1", None, True),
        ("0", None, False),
        ("", None, False),
        ("yes", None, False),
        ("true", None, False),
        (None, None, False),
        ("1", "true", False),
        ("1", "1", False),
    ],
)
def test_goldens_are_rewritten_only_on_an_explicit_1_outside_ci(
    monkeypatch: pytest.MonkeyPatch, value: str | None, ci: str | None, expected: bool
) -> None:
    """Catches goldens rewritten by `CRMDSL_UPDATE_GOLDEN=0` (any non-empty value) or in CI."""
    for name, given in (("CRMDSL_UPDATE_GOLDEN", value), ("CI", ci)):
        if given is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, given)
    assert update_requested("CRMDSL_UPDATE_GOLDEN") is expected
