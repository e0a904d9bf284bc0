"""New top-level declarations: an id, a label and clauses in, a `Patch` that adds them out.

A new declaration goes after the last declaration of the same kind (in that kind's file,
for a map split into fragments), or at the end of the root file; blank lines around it
follow the formatter's rule (a declaration of more than one line is set apart by one
blank line). `connect_systems` adds an integration between two systems with sensible
defaults.
"""

from __future__ import annotations

import re
from typing import Any

from crmdsl import model as m
from crmdsl.edit.base import Clauses, clause_list, quote
from crmdsl.edit.doc import Doc, check_text
from crmdsl.edit.patch import EditError, Patch
from crmdsl.formatter.layout import layout_statement
from crmdsl.language.loader import Analysis
from crmdsl.language.schema import STATEMENTS

__all__ = [
    "add_channel",
    "add_declaration",
    "add_entity",
    "add_goal",
    "add_integration",
    "add_journey",
    "add_persona",
    "add_process",
    "add_system",
    "add_team",
    "connect_systems",
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LISTS = {
    "team": "teams", "persona": "personas", "channel": "channels", "system": "systems",
    "entity": "entities", "journey": "journeys", "process": "processes",
    "integration": "integrations", "goal": "goals",
}  # fmt: skip


def _check_id(doc: Doc, keyword: str, ident: str) -> None:
    parts = ident.split(".")
    if any(not _IDENT.match(p) for p in parts) or len(parts) != (2 if keyword == "entity" else 1):
        shape = "SYSTEM.Name" if keyword == "entity" else "an id (letters, digits and `_`)"
        raise EditError(f"`{ident}` is not {shape}")
    key = f"channel:{ident}" if keyword == "channel" else ident
    if doc.taken(key) is not None:
        raise EditError(f"`{ident}` is already declared")


def add_declaration(
    analysis: Analysis,
    keyword: str,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    children: list[str] | None = None,
    file: str | None = None,
    head_extra: str = "",
) -> Patch:
    """Add a top-level declaration `KEYWORD ID "Label" clauses...`.

    `children` are lines of its block (such as field lines), written one level in.
    """
    if keyword not in _LISTS:
        raise EditError(f"`{keyword}` is not a top-level declaration")
    doc = Doc(analysis)
    _check_id(doc, keyword, ident)
    spec = STATEMENTS[keyword]
    head = f"{keyword} {ident}" + (f" {quote(label)}" if label is not None else "") + head_extra
    lines = layout_statement(spec, head, clause_list(spec, clauses, doc), 0)
    lines += [f"  {child}" for child in children or []]
    text = "\n".join(lines)
    check_text(text + "\n")
    same = [d for d in getattr(doc.map, _LISTS[keyword]) if file is None or d.span.file == file]
    if file is None:
        file = same[-1].span.file if same else (doc.map.root or next(iter(doc.texts)))
    if file not in doc.texts:
        raise EditError(f"{file} is not a file of this map")
    same = [d for d in same if d.span.file == file]
    multi = len(lines) > 1
    source = doc.texts[file]
    if same:
        anchor = doc.node_line(same[-1])
        first, last = doc.own_range(file, anchor)
        pos = doc.line_end(file, last)
        gap_before = multi or last > anchor.lineno
        nxt = last + 1 <= doc.line_count(file) and doc.line_text(file, last + 1).strip()
        nxt_multi = False
        if nxt:
            parsed_next = analysis.parsed[file].next_root(last)
            nxt_multi = bool(parsed_next and parsed_next.children)
        new = (
            "\n"
            + ("\n" if gap_before else "")
            + text
            + ("\n" if nxt and (multi or nxt_multi) else "")
        )
        del first
    elif not source.strip():
        pos, new = 0, text + "\n"
    else:
        pos = len(source)
        new = ("" if source.endswith("\n") else "\n") + "\n" + text + "\n"
    return Patch.build(doc.texts, [(file, pos, pos, new)], f"add {keyword} `{ident}`")


def add_team(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    *,
    description: str | None = None,
    file: str | None = None,
) -> Patch:
    """Add `team ID "Label"`."""
    return add_declaration(analysis, "team", ident, label, {"description": description}, file=file)


def add_persona(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    file: str | None = None,
) -> Patch:
    """Add `persona ID "Label"` (clauses: needs, pain, segment; a list value repeats the line)."""
    return add_declaration(analysis, "persona", ident, label, _expand(clauses), file=file)


def add_channel(
    analysis: Analysis, ident: str, label: str | None = None, *, file: str | None = None
) -> Patch:
    """Add `channel ID "Label"`."""
    return add_declaration(analysis, "channel", ident, label, file=file)


def add_system(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    file: str | None = None,
) -> Patch:
    """Add `system ID "Label"` (clauses: kind, owner, users, record-of)."""
    return add_declaration(analysis, "system", ident, label, clauses, file=file)


def add_journey(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    file: str | None = None,
) -> Patch:
    """Add `journey ID "Label"` (clauses: persona, owner)."""
    return add_declaration(analysis, "journey", ident, label, clauses, file=file)


def add_process(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    file: str | None = None,
) -> Patch:
    """Add `process ID "Label"` (clause: owner)."""
    return add_declaration(analysis, "process", ident, label, clauses, file=file)


def add_goal(
    analysis: Analysis,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    file: str | None = None,
) -> Patch:
    """Add `goal ID "Label"` (clauses: owner, supported-by)."""
    return add_declaration(analysis, "goal", ident, label, clauses, file=file)


def add_entity(
    analysis: Analysis,
    system: str,
    name: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    fields: list[str] | None = None,
    file: str | None = None,
) -> Patch:
    """Add `entity SYSTEM.Name "Label"` with field lines such as `"email: email pii"`."""
    doc = Doc(analysis)
    if not isinstance(doc.map.lookup(system), m.System):
        raise EditError(f"no system `{system}` in this map")
    return add_declaration(
        analysis, "entity", f"{system}.{name}", label, clauses, children=fields, file=file
    )


def add_integration(
    analysis: Analysis,
    ident: str,
    label: str | None,
    source: str,
    target: str,
    *,
    two_way: bool = False,
    clauses: Clauses = None,
    file: str | None = None,
) -> Patch:
    """Add `integration ID "Label" SOURCE -> TARGET` (`<->` when `two_way`)."""
    doc = Doc(analysis)
    for end in (source, target):
        if not isinstance(doc.map.lookup(end), m.System):
            raise EditError(f"no system `{end}` in this map")
    arrow = "<->" if two_way else "->"
    return add_declaration(
        analysis,
        "integration",
        ident,
        label,
        clauses,
        file=file,
        head_extra=f" {source} {arrow} {target}",
    )


def connect_systems(
    analysis: Analysis,
    source: str,
    target: str,
    *,
    two_way: bool = False,
    ident: str | None = None,
    label: str | None = None,
    clauses: Clauses = None,
) -> Patch:
    """Connect two systems with a new integration, with sensible defaults.

    `connect_systems(a, "hubspot", "salesforce")` adds
    `integration hubspot_to_salesforce "HubSpot to Salesforce" hubspot -> salesforce`; the
    id gets `_2`, `_3`, ... when taken. The owner is the source system's owner; a two-way
    integration names the source as `master` (who wins a conflict) until told otherwise.
    """
    doc = Doc(analysis)
    systems = []
    for end in (source, target):
        found = doc.map.lookup(end)
        if not isinstance(found, m.System):
            raise EditError(f"no system `{end}` in this map")
        systems.append(found)
    joiner = "and" if two_way else "to"
    base = ident or f"{source}_{joiner}_{target}"
    chosen, n = base, 2
    while ident is None and doc.taken(chosen) is not None:
        chosen, n = f"{base}_{n}", n + 1
    text = label if label is not None else f"{systems[0].title} {joiner} {systems[1].title}"
    given = dict(clauses.items()) if isinstance(clauses, dict) else dict(clauses or [])
    if systems[0].owner is not None:
        given.setdefault("owner", systems[0].owner.text)
    if two_way:
        given.setdefault("master", source)
    return add_integration(analysis, chosen, text, source, target, two_way=two_way, clauses=given)


def _expand(clauses: Clauses) -> list[tuple[str, Any]]:
    items = list(clauses.items()) if isinstance(clauses, dict) else list(clauses or [])
    out: list[tuple[str, Any]] = []
    for keyword, value in items:
        if isinstance(value, list | tuple) and keyword in {"needs", "pain", "segment"}:
            out.extend((keyword, v) for v in value)
        else:
            out.append((keyword, value))
    return out
