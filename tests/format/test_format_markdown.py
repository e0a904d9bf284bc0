"""Maps in Markdown: the `crm` blocks of a page are formatted and nothing else of it; the
documented examples are already in the canonical layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmdsl.formatter.markdown import crm_blocks, format_markdown, has_crm_blocks
from crmdsl.formatter.printer import format_text
from crmdsl.language.build.statements import build_file
from crmdsl.language.parse import parse_source
from crmdsl.language.source import SourceText

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"])


def test_only_the_crm_blocks_of_a_page_are_formatted() -> None:
    page = (
        "# Title   \n\n"
        '```crm\nteam   a  "A"\nsystem s\n    kind crm\n```\n\n'
        "```\nteam   untouched\n```\n\n"
        "~~~~ crm\nteam b   # x\n~~~~\n\n"
        "- a list\n\n  ```crm\n  system t\n      kind crm\n  ```\n"
    )
    assert format_markdown(page) == (
        "# Title   \n\n"
        '```crm\nteam a "A"\nsystem s\n  kind crm\n```\n\n'
        "```\nteam   untouched\n```\n\n"
        "~~~~ crm\nteam b   # x\n~~~~\n\n"
        "- a list\n\n  ```crm\n  system t\n    kind crm\n  ```\n"
    )


def test_a_block_that_does_not_load_is_left_as_written() -> None:
    for body in ['team a "A" sla 4h', 'team a "A"\n\tdescription "x"', "step   x"]:
        page = f"Text\n\n```crm\n{body}\n```\n"
        assert format_markdown(page) == page


def test_crlf_pages_and_unclosed_fences() -> None:
    assert format_markdown("```crm\r\nteam   a\r\n```\r\n") == "```crm\r\nteam a\r\n```\r\n"
    assert format_markdown("```crm\nteam   a\n") == "```crm\nteam   a\n"
    assert crm_blocks(["````crm", "```", "team a", "````"]) == [(1, 3, "")]
    assert not has_crm_blocks("```python\n```crm\n```\n")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_crm_block_of_the_docs_is_formatted(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert format_markdown(text, str(page)) == text


def _examples(text: str) -> list[str]:
    """Untagged and `crm` code blocks that load (the others show errors or other things)."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\S*)", lines[i])
        if fence is None:
            i += 1
            continue
        end = lines.index("```", i + 1)
        body = "".join(line + "\n" for line in lines[i + 1 : end])
        built = build_file(parse_source(SourceText.from_text(body, "x.crm")))
        if fence[1] in {"", "crm"} and body.strip() and not built.diagnostics:
            out.append(body)
        i = end + 1
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_map_shown_in_the_docs_is_formatted(page: Path) -> None:
    for body in _examples(page.read_text(encoding="utf-8")):
        assert format_text(body) == body


def test_the_acme_example_is_already_formatted() -> None:
    acme = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    assert format_text(acme, "acme.crm") == acme
    language = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    small = _examples(language)[0]
    assert small.startswith('map "Acme Corp CRM"\n')
    assert "      kpi" in small and "      backstage" in small
    assert format_text(small) == small
