"""Every `$ crmdsl …` transcript in README.md and docs/ prints what the page shows.

A transcript is a `$ crmdsl …` line in a fenced block and the lines after it, up to the
next `$` line or the block's end. The command runs in a scratch folder (with the
examples, and whatever the page's story needs: a `maps/` folder with a broken map, a
config with a typo), and its output (stdout and stderr) must be the shown lines; a line
`...` or `…` in the page stands for any number of lines. Transcripts that draw SVG need
Chromium and mermaid-cli: without them they are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent


def transcripts() -> list[tuple[str, int, str, list[str]]]:
    """(page, line, command, expected lines) of every transcript."""
    found = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        fence: str | None = None
        current: tuple[int, str, list[str]] | None = None
        for number, line in enumerate(lines, start=1):
            if line.startswith("```"):
                if fence is None:
                    fence = line
                    continue
                fence = None
                if current is not None:
                    found.append((page.name, *current))
                    current = None
                continue
            if fence is None:
                continue
            if line.startswith("$ crmdsl"):
                if current is not None:
                    found.append((page.name, *current))
                current = (number, line[2:], [])
            elif current is not None:
                current[2].append(line)
    return found


def _broken_acme(base: Path) -> None:
    text = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    text = text.replace("takes 2d sla 1d", "takes 2d sla tomorrow")
    text = text.replace("hubspot -> salesforce every 15m", "hubspot -> salesforec every 15m")
    (base / "maps").mkdir()
    (base / "maps" / "acme.crm").write_text(text, encoding="utf-8")


def _maps(config: tuple[str, str] | None) -> Callable[[Path], None]:
    def setup(base: Path) -> None:
        (base / "maps").mkdir()
        shutil.copy(ROOT / "examples" / "acme.crm", base / "maps" / "acme.crm")
        if config is not None:
            (base / config[0]).write_text(config[1], encoding="utf-8")

    return setup


def _stale_page(base: Path) -> None:
    (base / "docs").mkdir()
    page = "# Sales\n" + "\n" * 12
    page += "<!-- crmdsl:begin view=process id=lead_to_cash map=../examples/acme.crm -->\n"
    page += "```mermaid\nflowchart LR\n```\n<!-- crmdsl:end -->\n"
    (base / "docs" / "sales.md").write_text(page, encoding="utf-8")


#: What a transcript's story needs, by page and command (occurrence when repeated).
SETUPS: dict[tuple[str, str, int], Callable[[Path], None]] = {
    ("README.md", "crmdsl check maps/acme.crm", 0): _broken_acme,
    ("config.md", "crmdsl check maps/", 0): _maps(("crmdsl.toml", "max-review-ages = 12\n")),
    ("config.md", "crmdsl check maps/", 1): _maps(
        ("pyproject.toml", '[tool.crmdsl]\nfail-on = "never"\n')
    ),
    ("config.md", "crmdsl check maps/ --severity P2O7=error", 0): _maps(None),
    ("views.md", "crmdsl docs --check docs/", 0): _stale_page,
}
#: Transcripts that draw SVG (Chromium and mermaid-cli).
NEEDS_CHROMIUM = {"--all -o docs/diagrams/", "-o docs/lead_to_cash.svg"}


def _renderer_or_skip() -> None:
    from crmdsl.views.svg import MermaidRenderer, RendererNotFoundError

    try:
        MermaidRenderer()
    except RendererNotFoundError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so real Mermaid must be installed: {error}")
        pytest.skip(f"no Mermaid renderer: {error}")


def _cases() -> list[tuple[str, int, str, list[str], int]]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    for page, line, command, expected in transcripts():
        key = (page, command)
        out.append((page, line, command, expected, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


def matches(shown: list[str], printed: list[str]) -> bool:
    """The printed lines are the shown ones, `...` standing for any number of lines."""
    pattern = "".join(
        "(?:.*\n)*?" if line.strip() in ("...", "…") else re.escape(line) + "\n" for line in shown
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in printed)) is not None


@pytest.mark.parametrize(
    ("page", "line", "command", "expected", "occurrence"),
    _cases(),
    ids=[f"{c[0]}:{c[1]}" for c in _cases()],
)
def test_the_transcript_prints_what_the_page_shows(
    page: str, line: int, command: str, expected: list[str], occurrence: int, tmp_path: Path
) -> None:
    if any(marker in command for marker in NEEDS_CHROMIUM):
        _renderer_or_skip()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    setup = SETUPS.get((page, command, occurrence))
    if setup is not None:
        setup(tmp_path)
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CRMDSL_DEBUG")}
    env.update(NO_COLOR="1", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", COLUMNS="100")
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command + " 2>&1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    printed = done.stdout.rstrip("\n").splitlines()
    assert matches(expected, printed), f"{page}:{line}: `{command}` printed:\n" + "\n".join(printed)


def test_transcripts_are_found() -> None:
    commands = [c[2] for c in transcripts()]
    assert "crmdsl explain P270" in commands
    assert "crmdsl check maps/acme.crm" in commands
