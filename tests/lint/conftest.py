"""Fixtures of the lint tests: the stand-in rule registry and a folder to write maps in."""

from __future__ import annotations

import lint_fake_rules
import pytest


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch):
    """Replace `crmdsl.rules` by the small stand-in registry for one test."""
    return lint_fake_rules.install(monkeypatch)
