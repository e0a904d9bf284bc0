"""When tests may rewrite their expected files: an explicit `1` in an env var, never in CI.

In: the name of the env var (`CRMDSL_UPDATE_GOLDEN` for goldens, `CRMDSL_UPDATE_FIXTURES`
for the rule fixtures' finding snapshots). Out: whether to write the files. Any other
value (`0`, `yes`, an empty string) compares instead, and so does every run where the env
var `CI` is set, so a CI job can never rewrite what it is meant to check.
"""

from __future__ import annotations

import os

__all__ = ["update_requested"]


def update_requested(name: str = "CRMDSL_UPDATE_GOLDEN") -> bool:
    """True when the env var `name` is exactly `1` and `CI` is not set."""
    return os.environ.get(name) == "1" and not os.environ.get("CI")
