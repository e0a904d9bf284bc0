"""`crmdsl report --format html`, opened in headless Chromium (marker `mermaid`).

The page of a map full of hostile labels, and of the shop example, is written by the
command (its diagrams drawn by the project's renderer), then loaded by Chromium, which
prints the DOM it built. The page must open; every diagram must be an inline `<svg>`,
one per `mermaid` block of the Markdown report; the DOM must hold no `<script>`, no
event-handler attribute and no link to anything outside the page; the hostile labels
must be text. Skips without Chromium or mermaid-cli; fails instead when `CI` is set.
"""

from __future__ import annotations

import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_views_real_mermaid import corpus, corpus_map
from typer.testing import CliRunner

from crmdsl.cli.app import app
from crmdsl.reporting.html import mermaid_blocks
from crmdsl.views.svg import CHROMIUM_ARGS, MermaidRenderer, find_renderer

pytestmark = pytest.mark.mermaid

REPO = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<style>*{display:none}</style>",
]
_LINKS = {"href", "src", "xlink:href", "action", "srcset", "poster", "data"}


class _Dom(HTMLParser):
    """What the test looks at in the DOM: tags, figures and their first child, links, text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.figures: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_figure = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if self._in_figure:
            self.figures.append(tag)
            self._in_figure = False
        if tag == "figure" and ("class", "diagram") in attrs:
            self._in_figure = True
        for name, value in attrs:
            shown = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in _LINKS and shown and not shown.startswith("#"):
                self.problems.append(f"outside link {name}={shown[:60]} on <{tag}>")
            if "url(" in shown and "url(#" not in shown.replace(" ", ""):
                self.problems.append(f"url() in {name} on <{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _dom(page: Path) -> _Dom:
    chromium = find_renderer().chromium
    with tempfile.TemporaryDirectory(prefix="crmdsl-report-") as profile:
        done = subprocess.run(
            [
                str(chromium),
                "--headless",
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-500:]
    parsed = _Dom()
    parsed.feed(done.stdout)
    return parsed


def _write(path: Path, fmt: str, out: Path) -> str:
    args = ["report", str(path), "--today", "2026-11-01", "--format", fmt, "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8")


@pytest.mark.parametrize("which", ["hostile", "shop"])
def test_the_html_report_opens_with_every_diagram_an_inline_svg(
    which: str, tmp_path: Path, mermaid_renderer: MermaidRenderer
) -> None:
    """`mermaid_renderer` skips (fails under CI) when Chromium or mermaid-cli is missing."""
    labels = list(dict.fromkeys([*HOSTILE, *corpus()[::12]]))
    if which == "hostile":
        source = tmp_path / "hostile.crm"
        source.write_text(corpus_map(labels), encoding="utf-8")
    else:
        source = REPO / "examples" / "shop" / "shop.crm"
    markdown = _write(source, "md", tmp_path / "r.md")
    page = tmp_path / "r.html"
    _write(source, "html", page)
    dom = _dom(page)
    assert "html" in dom.tags and "body" in dom.tags
    assert dom.figures == ["svg"] * len(mermaid_blocks(markdown)) and dom.figures
    assert "script" not in dom.tags and "iframe" not in dom.tags and "link" not in dom.tags
    assert dom.problems == []
    if which == "hostile":
        shown = "".join(dom.text)
        assert [label for label in HOSTILE if label not in shown] == []


def test_the_html_report_with_its_diagrams_is_the_same_bytes_twice(
    tmp_path: Path, mermaid_renderer: MermaidRenderer
) -> None:
    """Two runs, each with its own browser: the inline SVGs and the page are the same bytes."""
    source = REPO / "examples" / "shop" / "shop.crm"
    first = _write(source, "html", tmp_path / "one.html")
    second = _write(source, "html", tmp_path / "two.html")
    assert "<svg" in first
    assert first == second
