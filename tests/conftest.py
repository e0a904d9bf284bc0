"""Shared test set-up: a deterministic environment and a bounded hypothesis profile.

Kept small on purpose: fixtures that belong to one area live in that area's folder.
`NO_COLOR` is set for every test so that CLI output is plain text; a Textual snapshot test
must remove it (`monkeypatch.delenv("NO_COLOR")`): snapshots differ under it.
`CRMDSL_HYPOTHESIS_EXAMPLES=2000` runs the property tests harder.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CLI output must not depend on the terminal the tests run in.
os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "100"
os.environ["LINES"] = "40"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("TERM_PROGRAM", None)
os.environ.setdefault("PYTHONHASHSEED", "0")

settings.register_profile(
    "crmdsl",
    max_examples=int(os.environ.get("CRMDSL_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("crmdsl")
