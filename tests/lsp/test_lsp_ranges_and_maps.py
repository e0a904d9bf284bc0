"""Over the protocol: semantic tokens of a range, problems of every file of a multi-file
map (the ones not open too) when its root is opened, and a goal's return in its hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from lspclient import Session, lsp_run, where
from lsprotocol import types as t

pytestmark = pytest.mark.slow


def _absolute(data: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """Protocol-encoded tokens as (line, start, length, type), positions made absolute."""
    out: list[tuple[int, int, int, int]] = []
    line = start = 0
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind = data[i : i + 4]
        line, start = line + delta_line, (start + delta_start if delta_line == 0 else delta_start)
        out.append((line, start, length, kind))
    return out


def test_semantic_tokens_of_a_range_are_those_of_its_lines(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        provider = s.result.capabilities.semantic_tokens_provider
        assert isinstance(provider, t.SemanticTokensOptions) and provider.range
        uri = await s.open("acme.crm")
        document = t.TextDocumentIdentifier(uri=uri)
        full = await s.client.text_document_semantic_tokens_full_async(
            t.SemanticTokensParams(text_document=document)
        )
        span = t.Range(start=t.Position(line=44, character=3), end=t.Position(line=49, character=0))
        part = await s.client.text_document_semantic_tokens_range_async(
            t.SemanticTokensRangeParams(text_document=document, range=span)
        )
        assert isinstance(full, t.SemanticTokens) and isinstance(part, t.SemanticTokens)
        wanted = [tok for tok in _absolute(full.data) if 44 <= tok[0] <= 49]
        assert _absolute(part.data) == wanted
        assert {tok[0] for tok in wanted} == set(range(44, 50))

    lsp_run(maps, scenario)


def test_opening_the_root_checks_every_file_of_the_map(maps: Path) -> None:
    processes = maps / "shop" / "processes.crm"
    text = processes.read_text(encoding="utf-8")
    processes.write_text(text + '\nteam ops "Operations again"\n', encoding="utf-8")

    async def scenario(s: Session) -> None:
        await s.open("shop/shop.crm")  # the root only: the fragments are never opened
        names = sorted(p.name for p in (maps / "shop").glob("*.crm"))
        for name in names:
            await s.wait_diagnostics(s.uri(f"shop/{name}"))
        found = s.diagnostics[s.uri("shop/processes.crm")]
        duplicate = [d for d in found if d.code == "duplicate-id"]
        assert duplicate and duplicate[0].range.start.line == text.count("\n") + 1
        assert duplicate[0].related_information
        first = duplicate[0].related_information[0].location
        assert first.uri == s.uri("shop/teams.crm")

    lsp_run(maps, scenario)


def test_hover_on_a_goal_shows_its_return(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("shop/goals.crm")
        await s.wait_diagnostics(uri)
        line, char = where(s.text("shop/goals.crm"), "goal repeat_purchase", "repeat_purchase")
        hover = await s.client.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                position=t.Position(line=line, character=char),
            )
        )
        assert hover is not None and isinstance(hover.contents, t.MarkupContent)
        assert "return over 3 years" in hover.contents.value
        assert "paid back in" in hover.contents.value

    lsp_run(maps, scenario)
