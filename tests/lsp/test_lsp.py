"""The language server through the real protocol: `crmdsl lsp` as a subprocess, JSON-RPC over stdio.

Each test starts a server on a copy of the examples (acme.crm, and the shop map in
eight files), opens documents, and asserts what an editor would show: diagnostics with
codes and links, hover text, definitions in other files, completions, rename and format
edits, code actions, and that bad input never stops the server.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from lspclient import Session, lsp_run, where
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

pytestmark = pytest.mark.slow


def apply(text: str, edits: Sequence[t.TextEdit]) -> str:
    """Apply text edits (ASCII text) the way an editor does: from the last to the first."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    out = text
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        out = out[:start] + edit.new_text + out[end:]
    return out


#: A map that loads, with one finding: M003 on line 5 (a system without an owner).
NO_OWNER = (
    'map "M"\n  owner sales\n  reviewed 2026-09-01\nteam sales "Sales"\nsystem crm "CRM" kind crm\n'
)


def errors(found: list[t.Diagnostic]) -> list[t.Diagnostic]:
    return [d for d in found if d.severity == t.DiagnosticSeverity.Error]


def test_initialize_announces_the_features(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        caps = s.result.capabilities
        assert caps.hover_provider and caps.definition_provider and caps.references_provider
        assert caps.rename_provider and caps.document_formatting_provider
        assert caps.document_symbol_provider and caps.code_action_provider
        assert caps.completion_provider is not None
        assert " " in (caps.completion_provider.trigger_characters or [])
        assert s.result.server_info is not None and s.result.server_info.name == "crmdsl"

    lsp_run(maps, scenario)


def test_diagnostics_move_with_an_incremental_change(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("acme.crm")
        assert errors(await s.wait_diagnostics(uri)) == []  # lint findings only
        line, char = where(s.text("acme.crm"), "system hubspot", "owner marketing")
        # `owner marketing` -> `owner marketin`: an unknown team
        await s.change(
            uri, line, char + len("owner marketing") - 1, char + len("owner marketing"), ""
        )
        found = await s.wait_diagnostics(uri, lambda d: bool(errors(d)))
        assert len(found) == 1  # a load error: no lint findings until the map loads
        diag = found[0]
        assert diag.code == "unknown-reference" and diag.severity == t.DiagnosticSeverity.Error
        assert (diag.range.start.line, diag.range.start.character) == (line, char + len("owner "))
        assert "did you mean `marketing`?" in diag.message
        assert diag.code_description is not None
        assert diag.code_description.href.endswith("errors.md#unknown-reference")
        # a new line above moves it one line down
        await s.change(uri, 0, 0, 0, 'team extra "Extra"\n')
        moved = await s.wait_diagnostics(
            uri, lambda d: bool(d) and d[0].range.start.line == line + 1
        )
        assert moved[0].code == "unknown-reference"

    lsp_run(maps, scenario)


def test_lint_findings_link_to_their_rule(maps: Path) -> None:
    text = NO_OWNER

    async def scenario(s: Session) -> None:
        uri = await s.create("lint.crm", text)
        found = await s.wait_diagnostics(uri)
        owner = [d for d in found if d.code == "M003"]
        assert owner and owner[0].range.start.line == 4
        assert owner[0].code_description is not None
        assert owner[0].code_description.href.endswith("rules.md#m003-owner-missing")

    lsp_run(maps, scenario)


def test_a_duplicate_points_at_the_first_one(maps: Path) -> None:
    text = 'team sales "Sales"\nteam sales "Again"\n'

    async def scenario(s: Session) -> None:
        uri = await s.create("dup.crm", text)
        found = await s.wait_diagnostics(uri, lambda d: bool(d))
        related = found[0].related_information
        assert found[0].code == "duplicate-id" and related
        assert related[0].location.uri == uri and related[0].location.range.start.line == 0

    lsp_run(maps, scenario)


def test_hover_definition_into_an_included_file_and_references(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("shop/processes.crm")
        await s.wait_diagnostics(uri)
        line, char = where(s.text("shop/processes.crm"), "step route", "owner it")
        position = s.at(uri, line, char + len("owner "))
        hover = await s.client.text_document_hover_async(t.HoverParams(**vars_of(position)))
        assert hover is not None and isinstance(hover.contents, t.MarkupContent)
        assert hover.contents.value.startswith("**team** `it` — IT & Integrations")
        found = await s.client.text_document_definition_async(
            t.DefinitionParams(**vars_of(position))
        )
        assert isinstance(found, t.Location)
        assert found.uri == s.uri("shop/teams.crm")
        assert found.range.start.line == where(s.text("shop/teams.crm"), "team it", "it")[0]
        refs = await s.client.text_document_references_async(
            t.ReferenceParams(
                **vars_of(position), context=t.ReferenceContext(include_declaration=True)
            )
        )
        assert refs is not None
        assert {r.uri for r in refs} >= {s.uri("shop/teams.crm"), s.uri("shop/processes.crm")}
        highlights = await s.client.text_document_document_highlight_async(
            t.DocumentHighlightParams(**vars_of(position))
        )
        assert highlights and all(h.range.start.line >= 0 for h in highlights)

    lsp_run(maps, scenario)


def vars_of(position: t.TextDocumentPositionParams) -> dict[str, Any]:
    return {"text_document": position.text_document, "position": position.position}


def test_completion_after_owner_offers_teams(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("acme.crm")
        await s.wait_diagnostics(uri)
        text = s.text("acme.crm")
        line = len(text.split("\n")) - 1
        await s.change(uri, line, 0, 0, 'system crm "CRM" owner ')
        await s.wait_diagnostics(uri)
        found = await s.client.text_document_completion_async(
            t.CompletionParams(**vars_of(s.at(uri, line, len('system crm "CRM" owner '))))
        )
        items = found.items if isinstance(found, t.CompletionList) else found or []
        assert [i.label for i in items] == ["it", "marketing", "revops", "sales", "service"]

    lsp_run(maps, scenario)


def test_rename_across_files_gives_one_workspace_edit(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("shop/teams.crm")
        await s.wait_diagnostics(uri)
        line, char = where(s.text("shop/teams.crm"), "team ops", "ops")
        position = s.at(uri, line, char)
        prepared = await s.client.text_document_prepare_rename_async(
            t.PrepareRenameParams(**vars_of(position))
        )
        assert isinstance(prepared, t.PrepareRenamePlaceholder) and prepared.placeholder == "ops"
        edit = await s.client.text_document_rename_async(
            t.RenameParams(**vars_of(position), new_name="operations")
        )
        assert edit is not None and edit.changes is not None
        assert {Path(u.removeprefix("file://")).name for u in edit.changes} >= {
            "teams.crm",
            "systems.crm",
            "processes.crm",
        }
        for changed, edits in edit.changes.items():
            path = Path(changed.removeprefix("file://"))
            path.write_text(apply(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
        assert "team operations" in s.text("shop/teams.crm")
        with pytest.raises(JsonRpcException, match="taken"):
            await s.client.text_document_rename_async(
                t.RenameParams(
                    **vars_of(s.at(uri, where(s.text("shop/teams.crm"), "team cx", "cx")[0], 5)),
                    new_name="finance",
                )
            )
        with pytest.raises(JsonRpcException, match="not an id"):
            await s.client.text_document_rename_async(
                t.RenameParams(**vars_of(position), new_name="two words")
            )

    lsp_run(maps, scenario)
    # the renamed map still loads
    done = subprocess.run(
        [sys.executable, "-m", "crmdsl", "check", str(maps / "shop" / "shop.crm")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "error[" not in done.stdout, done.stdout


def test_format_and_a_map_that_does_not_load_is_refused(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        messy = 'team   sales   "Sales"\n'
        (s.folder / "messy.crm").write_text(messy, encoding="utf-8")
        uri = await s.open("messy.crm")
        await s.wait_diagnostics(uri)
        options = t.FormattingOptions(tab_size=2, insert_spaces=True)
        edits = await s.client.text_document_formatting_async(
            t.DocumentFormattingParams(
                text_document=t.TextDocumentIdentifier(uri=uri), options=options
            )
        )
        assert apply(messy, edits or []) == 'team sales "Sales"\n'
        await s.change(uri, 0, 0, 0, "this is ! not a map\n")
        await s.wait_diagnostics(uri, lambda d: bool(d))
        with pytest.raises(JsonRpcException, match="not formatted"):
            await s.client.text_document_formatting_async(
                t.DocumentFormattingParams(
                    text_document=t.TextDocumentIdentifier(uri=uri), options=options
                )
            )

    lsp_run(maps, scenario)


def test_code_actions_fix_and_suppress(maps: Path) -> None:
    text = NO_OWNER

    async def scenario(s: Session) -> None:
        uri = await s.create("act.crm", text)
        found = await s.wait_diagnostics(uri)
        owner = next(d for d in found if d.code == "M003")
        actions = await s.code_actions(uri, owner)
        titles = [a.title for a in actions]
        assert "Suppress M003 on this line" in titles and "Suppress M003 in this file" in titles
        line_action = next(a for a in actions if a.title == "Suppress M003 on this line")
        assert line_action.edit is not None and line_action.edit.changes is not None
        fixed = apply(text, line_action.edit.changes[uri])
        assert 'system crm "CRM" kind crm   # crmdsl: ignore[M003]' in fixed

    lsp_run(maps, scenario)


def test_outline_and_folding(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("acme.crm")
        await s.wait_diagnostics(uri)
        symbols = await s.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri))
        )
        journey = next(
            x for x in symbols or [] if isinstance(x, t.DocumentSymbol) and x.name == "onboarding"
        )
        assert [c.name for c in journey.children or []] == [
            "onboarding.aware",
            "onboarding.buy",
            "onboarding.help",
        ]
        folds = await s.client.text_document_folding_range_async(
            t.FoldingRangeParams(text_document=t.TextDocumentIdentifier(uri=uri))
        )
        start = where(s.text("acme.crm"), "journey onboarding", "journey")[0]
        assert any(f.start_line == start for f in folds or [])

    lsp_run(maps, scenario)


def test_bad_input_never_stops_the_server(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        junk = await s.open("junk.crm", "\x00\x01 }{ not a map at all\n\tindented with a tab\n")
        assert await s.wait_diagnostics(junk, lambda d: bool(d))
        position = s.at(junk, 99, 99)
        assert await s.client.text_document_hover_async(t.HoverParams(**vars_of(position))) is None
        for body in (
            b'{"jsonrpc": "2.0", "id": 9999, "method": "textDocument/hover", "params": {"bogus": 1}}',
            b"}{ not json",
        ):
            s.send_raw(body)
        uri = await s.open("acme.crm")
        assert errors(await s.wait_diagnostics(uri)) == []
        line, char = where(s.text("acme.crm"), "process lead_to_cash", "lead_to_cash")
        hover = await s.client.text_document_hover_async(
            t.HoverParams(**vars_of(s.at(uri, line, char)))
        )
        assert hover is not None  # still answering

    lsp_run(maps, scenario)


def test_an_unsaved_change_to_a_fragment_reaches_every_file_of_the_map(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        teams = await s.open("shop/teams.crm")
        await s.wait_diagnostics(teams)
        line, char = where(s.text("shop/teams.crm"), "team ops", "ops")
        await s.change(teams, line, char, char + 3, "opz")  # not saved: the disk still says ops
        processes = s.uri("shop/processes.crm")
        found = await s.wait_diagnostics(processes, lambda d: bool(errors(d)))
        assert all(d.code == "unknown-reference" for d in found)
        assert any("no team `ops`" in d.message and "opz" in d.message for d in found)
        await s.change(teams, line, char, char + 3, "ops")
        assert errors(await s.wait_diagnostics(processes, lambda d: not errors(d))) == []

    lsp_run(maps, scenario)


def test_a_quick_fix_removes_an_unused_suppression(maps: Path) -> None:
    text = 'map "M"\n  owner sales\n  reviewed 2026-09-01\nteam sales "Sales"   # crmdsl: ignore[M003]\n'

    async def scenario(s: Session) -> None:
        uri = await s.create("fix.crm", text)
        found = await s.wait_diagnostics(uri, lambda d: bool(d))
        unused = next(d for d in found if d.code == "M005")
        actions = await s.code_actions(uri, unused)
        fix = next(a for a in actions if a.is_preferred)
        assert fix.title.startswith("Fix M005") and fix.kind == t.CodeActionKind.QuickFix
        assert fix.edit is not None and fix.edit.changes is not None
        assert apply(text, fix.edit.changes[uri]).split("\n")[3] == 'team sales "Sales"'
        every = [a for a in actions if a.kind == t.CodeActionKind.SourceFixAll]
        assert every and every[0].title == "Fix all safe fixes of this file (1)"

    lsp_run(maps, scenario)


def test_workspace_symbols_semantic_tokens_and_range_formatting(maps: Path) -> None:
    async def scenario(s: Session) -> None:
        uri = await s.open("acme.crm")
        await s.wait_diagnostics(uri)
        found = await s.client.workspace_symbol_async(t.WorkspaceSymbolParams(query="qualify"))
        names = [x.name for x in found or []]
        assert names == ["lead_to_cash.qualify"]
        tokens = await s.client.text_document_semantic_tokens_full_async(
            t.SemanticTokensParams(text_document=t.TextDocumentIdentifier(uri=uri))
        )
        assert tokens is not None and len(tokens.data) % 5 == 0
        legend = s.result.capabilities.semantic_tokens_provider
        assert legend is not None
        kinds = legend.legend.token_types
        # line 1 is a comment; line 2 starts with the keyword `map`, then a string
        first = tokens.data[:15]
        assert (
            kinds[first[3]] == "comment"
            and kinds[first[8]] == "keyword"
            and kinds[first[13]] == "string"
        )
        messy = (
            s.text("acme.crm")
            .replace('team sales "Sales"', 'team   sales   "Sales"')
            .replace('team it "IT"', 'team   it   "IT"')
        )
        (s.folder / "messy.crm").write_text(messy, encoding="utf-8")
        messy_uri = await s.open("messy.crm")
        await s.wait_diagnostics(messy_uri)
        line = where(messy, "team   sales", "team")[0]
        edits = await s.client.text_document_range_formatting_async(
            t.DocumentRangeFormattingParams(
                text_document=t.TextDocumentIdentifier(uri=messy_uri),
                range=t.Range(
                    start=t.Position(line=line, character=0), end=t.Position(line=line, character=5)
                ),
                options=t.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
        after = apply(messy, edits or [])
        assert 'team sales "Sales"' in after and 'team   it   "IT"' in after  # only the range

    lsp_run(maps, scenario)


def test_columns_after_an_emoji_are_counted_in_utf16(maps: Path) -> None:
    text = 'team sales "Sales"\nsystem crm "CRM 😀 é" owner salez\n'

    async def scenario(s: Session) -> None:
        uri = await s.create("emoji.crm", text)
        found = await s.wait_diagnostics(uri, lambda d: bool(errors(d)))
        start = found[0].range.start
        # `salez` starts at code point 30; the emoji takes two UTF-16 units
        assert (start.line, start.character) == (1, text.split("\n")[1].index("salez") + 1)
        hover = await s.client.text_document_hover_async(
            t.HoverParams(**vars_of(s.at(uri, 1, start.character + 2)))
        )
        assert hover is None  # `salez` names nothing
        owner = await s.client.text_document_hover_async(t.HoverParams(**vars_of(s.at(uri, 0, 6))))
        assert owner is not None and "**team** `sales`" in str(owner.contents)

    lsp_run(maps, scenario)
