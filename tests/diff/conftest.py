"""Fixtures of the diff tests: the git repository of `diffrepo`, made once."""

from __future__ import annotations

import pytest
from diffrepo import make_history


@pytest.fixture(scope="package")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The repository's commits by step name; the repository is `history["repo"]`."""
    return make_history(tmp_path_factory.mktemp("maps"))
