"""Fixtures of the language server tests (the client itself is in `lspclient`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lspclient import copy_examples


@pytest.fixture
def maps(tmp_path: Path) -> Path:
    """A folder with acme.crm and the multi-file shop map, to change freely."""
    return copy_examples(tmp_path)
