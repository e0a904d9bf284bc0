"""Fixtures for view tests: one real Mermaid renderer (headless Chromium) per module.

The `mermaid` marker is registered in pyproject.toml. Without Chromium or mermaid-cli
the tests that need them skip, saying how to install them; when the environment
variable ``CI`` is set they fail instead, so CI cannot pass without really rendering.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from crmdsl.views.svg import MermaidRenderer, RendererNotFoundError


def renderer_or_skip() -> MermaidRenderer:
    """Start a renderer, or skip (fail under ``CI``) when it is not installed."""
    try:
        renderer = MermaidRenderer()
        renderer.start()
    except RendererNotFoundError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so real Mermaid must be installed: {error}")
        pytest.skip(f"real Mermaid is not installed: {error}")
    return renderer


@pytest.fixture(scope="module")
def mermaid_renderer() -> Iterator[MermaidRenderer]:
    """One headless Chromium with mermaid-cli, shared by a test module."""
    renderer = renderer_or_skip()
    with renderer:
        yield renderer
