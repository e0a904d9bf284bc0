"""Shared helpers of the edit tests: the map generator of tests/format, and a loaded example."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "format"))
