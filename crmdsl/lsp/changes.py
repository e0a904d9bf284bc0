"""Changes to the text: rename, formatting and code actions, as workspace and text edits.

Rename goes through `crmdsl.edit.rename` (one workspace edit across the map's files),
refused with the edit engine's message when the new id is taken or not an id;
`prepareRename` says what can be renamed. Formatting is `crmdsl.format_text`, refused
when the text does not load or its meaning would change; a range is formatted by
keeping the changes of whole-file formatting that touch it. Code actions are the safe
fixes of the findings under the cursor (`crmdsl.fixes_for`), all safe fixes of the file
at once, and "suppress CODE on this line" / "in this file". Every edit is made on an
analysis of the current text.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

import crmdsl
from crmdsl.lsp.convert import lsp_diagnostic, to_uri
from crmdsl.lsp.server import CrmServer
from crmdsl.lsp.state import MapResult

__all__ = ["register"]

_NOT_RENAMED = {"include", "map"}


class RefusedError(crmdsl.CrmdslError, JsonRpcException):
    """A request the server refuses, with the reason shown to the user (an error response)."""

    CODE = -32803  # RequestFailed


async def prepare_rename(
    ls: CrmServer, params: t.PrepareRenameParams
) -> t.PrepareRenamePlaceholder | None:
    found = await _occurrence(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    occurrence, _ = found
    return t.PrepareRenamePlaceholder(
        range=ls.positions.range(occurrence.span),
        placeholder=occurrence.symbol.id.split(".")[-1],
    )


async def rename(ls: CrmServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    found = await _occurrence(ls, params.text_document.uri, params.position)
    if found is None:
        raise RefusedError("there is nothing to rename here")
    occurrence, result = found
    symbol = occurrence.symbol
    key = f"channel:{symbol.id}" if symbol.kind == "channel" else symbol.id
    try:
        patch = crmdsl.edit.rename(result.analysis, key, params.new_name)
    except crmdsl.CrmdslError as exc:
        raise RefusedError(str(exc)) from exc
    return ls.positions.workspace_edit(patch)


def formatting(ls: CrmServer, params: t.DocumentFormattingParams) -> list[t.TextEdit]:
    return _formatted(ls, params.text_document.uri, None)


def range_formatting(ls: CrmServer, params: t.DocumentRangeFormattingParams) -> list[t.TextEdit]:
    return _formatted(ls, params.text_document.uri, params.range)


async def code_actions(ls: CrmServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    path = ls.path_of(params.text_document.uri)
    if path is None:
        return []
    result = await ls.fresh(path)
    name = result.files.get(path)
    if name is None:
        return []
    first, last = params.range.start.line + 1, params.range.end.line + 1
    here = [
        p
        for p in result.problems
        if p.span is not None
        and p.span.file == name
        and p.span.line <= last
        and p.span.end_line >= first
    ]
    actions: list[t.CodeAction] = []
    for problem in here:
        actions += _actions_for(ls, result, problem, path)
    actions += _fix_all(ls, result, name)
    return actions


_HANDLERS: tuple[tuple[str, Any, Callable[..., Any]], ...] = (
    (t.TEXT_DOCUMENT_PREPARE_RENAME, None, prepare_rename),
    (t.TEXT_DOCUMENT_RENAME, None, rename),
    (t.TEXT_DOCUMENT_FORMATTING, None, formatting),
    (t.TEXT_DOCUMENT_RANGE_FORMATTING, None, range_formatting),
    (
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionOptions(
            code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.SourceFixAll]
        ),
        code_actions,
    ),
)


def register(server: CrmServer) -> None:
    """Register the rename, formatting and code action handlers."""
    for method, options, handler in _HANDLERS:
        server.feature(method, options)(handler)


async def _occurrence(
    ls: CrmServer, uri: str, position: t.Position
) -> tuple[crmdsl.Occurrence, MapResult] | None:
    path = ls.path_of(uri)
    if path is None:
        return None
    result = await ls.fresh(path)
    name = result.files.get(path)
    if name is None:
        return None
    line, col = ls.positions.from_client(path, position)
    occurrence = crmdsl.symbol_at(result.analysis, name, line, col)
    if occurrence is None or occurrence.symbol.kind in _NOT_RENAMED:
        return None
    if occurrence.symbol.span.line <= 0:  # a built-in channel
        return None
    return occurrence, result


def _formatted(ls: CrmServer, uri: str, wanted: t.Range | None) -> list[t.TextEdit]:
    path = ls.path_of(uri) or uri
    text = ls.text_of(uri)
    try:
        new = crmdsl.format_text(text, path)
    except crmdsl.CrmdslError as exc:
        raise RefusedError(str(exc)) from exc
    old_lines, new_lines = text.split("\n"), new.split("\n")
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if wanted is not None and (a2 <= wanted.start.line or a1 > wanted.end.line):
            continue
        body = "".join(line + "\n" for line in new_lines[b1:b2])
        start = t.Position(line=a1, character=0)
        end = t.Position(line=a2, character=0)
        edits.append(t.TextEdit(range=t.Range(start=start, end=end), new_text=body))
    return edits


def _actions_for(
    ls: CrmServer, result: MapResult, problem: crmdsl.Diagnostic, path: str
) -> list[t.CodeAction]:
    shown = [lsp_diagnostic(problem, ls.positions, ls.docs)]
    out: list[t.CodeAction] = []
    patch = crmdsl.fixes_for(problem, result.analysis) if problem.code else None
    if patch is not None:
        out.append(
            t.CodeAction(
                title=f"Fix {problem.code}: {patch.description}",
                kind=t.CodeActionKind.QuickFix,
                diagnostics=shown,
                edit=ls.positions.workspace_edit(patch),
                is_preferred=True,
            )
        )
    if problem.code and problem.span is not None:
        out += _suppressions(ls, problem, shown, path)
    return out


def _suppressions(
    ls: CrmServer, problem: crmdsl.Diagnostic, shown: list[t.Diagnostic], path: str
) -> list[t.CodeAction]:
    assert problem.span is not None
    lines = ls.lines_of(path)
    number = problem.span.line
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    code = problem.code
    if "#" in text:
        indent = text[: len(text) - len(text.lstrip(" "))]
        at = t.Position(line=number - 1, character=0)
        line_edit = t.TextEdit(
            range=t.Range(start=at, end=at), new_text=f"{indent}# crmdsl: ignore[{code}]\n"
        )
    else:
        at = ls.positions.position(path, number, len(text) + 1)
        line_edit = t.TextEdit(
            range=t.Range(start=at, end=at), new_text=f"   # crmdsl: ignore[{code}]"
        )
    top = t.Position(line=0, character=0)
    file_edit = t.TextEdit(
        range=t.Range(start=top, end=top), new_text=f"# crmdsl: ignore-file[{code}]\n"
    )
    uri = to_uri(path)
    return [
        t.CodeAction(
            title=f"Suppress {code} on this line",
            kind=t.CodeActionKind.QuickFix,
            diagnostics=shown,
            edit=t.WorkspaceEdit(changes={uri: [line_edit]}),
        ),
        t.CodeAction(
            title=f"Suppress {code} in this file",
            kind=t.CodeActionKind.QuickFix,
            diagnostics=shown,
            edit=t.WorkspaceEdit(changes={uri: [file_edit]}),
        ),
    ]


def _fix_all(ls: CrmServer, result: MapResult, name: str) -> list[t.CodeAction]:
    findings = [p for p in result.problems if p.code and p.span is not None and p.span.file == name]
    if not findings:
        return []
    patch, fixed = crmdsl.fix_all(findings, result.analysis)
    if not fixed:
        return []
    return [
        t.CodeAction(
            title=f"Fix all safe fixes of this file ({len(fixed)})",
            kind=t.CodeActionKind.SourceFixAll,
            edit=ls.positions.workspace_edit(patch),
        )
    ]
