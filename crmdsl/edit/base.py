"""What every edit operation stands on: targets, clause texts, line cuts, the load check.

`node_of` turns a reference key into the model node; `clause_text` writes a clause the
way a file does and checks its keyword against the clause table; `check_refs` checks
that a reference names something of the right kind; `LineCuts` removes or rewrites spans
on lines without ever making two edits collide; `finish` builds the `Patch` and builds
every changed top-level block again, refusing an edit that would not load.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from crmdsl import model as m
from crmdsl.edit.doc import LINENO, Doc, check_text
from crmdsl.edit.patch import EditError, Patch, common_ends
from crmdsl.language.parse import Line
from crmdsl.language.refs import REF_KINDS
from crmdsl.language.schema import ClauseSpec, StatementSpec, ValueKind

__all__ = [
    "Clauses",
    "LineCuts",
    "Target",
    "check_refs",
    "check_blocks",
    "clause_text",
    "clause_list",
    "finish",
    "node_of",
    "quote",
    "statement_name",
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

_Edit = tuple[str, int, int, str]

Target = str | m.Node

Clauses = dict[str, Any] | list[tuple[str, Any]] | None


def node_of(doc: Doc, target: Target) -> Any:
    """The model node a key names (or the node itself)."""
    if isinstance(target, m.Node):
        return target
    found = doc.map.lookup(target)
    if found is None:
        raise EditError(f"nothing is called `{target}` in this map")
    if isinstance(found, m.Channel) and found.builtin:
        raise EditError(
            f"`{target}` is a built-in channel; declare `channel {found.id}` to edit it"
        )
    return found


def quote(text: str) -> str:
    """A string literal for `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def clause_text(spec: StatementSpec, keyword: str, value: Any = None) -> tuple[ClauseSpec, str]:
    """The clause of the table and its text (`owner sales`); values are written as in a file.

    A string clause takes the text itself (it is quoted here); a flag takes no value.
    """
    clause = spec.clause(keyword)
    if clause is None:
        allowed = ", ".join(f"`{w}`" for w in spec.clause_words) or "no clauses"
        raise EditError(f"a {spec.keyword} has no clause `{keyword}`; it takes {allowed}")
    if clause.value is ValueKind.FLAG:
        if value not in (None, True, ""):
            raise EditError(f"`{keyword}` is a flag; it takes no value")
        return clause, keyword
    if value is None or value == "":
        raise EditError(f"`{keyword}` needs a value: {clause.expects()}")
    if clause.value is ValueKind.STRING and not (isinstance(value, str) and value.startswith('"')):
        value = quote(str(value))
    return clause, f"{keyword} {_value_text(value)}"


def check_refs(doc: Doc, clause: ClauseSpec, value: Any, scope: str = "") -> None:
    """Refuse a reference that names nothing of the right kind in the map.

    The message says "did you mean ..." where something is close. `scope` is the process
    a `-> step` clause stands in.
    """
    if clause.value not in (ValueKind.REF, ValueKind.REFS) or (clause.ref == "node" and not scope):
        return
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    for raw in items:
        item = str(raw).strip()
        if clause.ref == "channel":
            if doc.map.channel(item) is None:
                pool = [
                    k.removeprefix("channel:")
                    for k in doc.map.symbols()
                    if k.startswith("channel:")
                ]
                raise EditError(f"no channel `{item}` in this map" + _hint(item, pool))
            continue
        kinds = REF_KINDS.get(clause.ref)
        if kinds is None:
            continue
        key = f"{scope}.{item}" if clause.ref == "node" else item
        if not isinstance(doc.map.lookup(key), kinds):
            pool = [k for k, v in doc.map.symbols().items() if isinstance(v, kinds)]
            if clause.ref == "node":
                pool = [k.split(".", 1)[1] for k in pool if k.startswith(scope + ".")]
            word = {
                "node": "step, decision or end",
                "backstage": "step or decision",
                "support": "journey, process, integration, system, stage, touchpoint or step",
            }.get(clause.ref, clause.ref)
            raise EditError(f"no {word} `{item}` in this map" + _hint(item, pool))


def _hint(item: str, pool: list[str]) -> str:
    from crmdsl.language.suggest import did_you_mean

    found = did_you_mean(item, pool)
    return f"; {found}" if found else ""


def clause_list(
    spec: StatementSpec, clauses: Clauses, doc: Doc | None = None, scope: str = ""
) -> list[tuple[ClauseSpec, str]]:
    """Clause texts from `{keyword: value}` (or pairs), checked; None/False values skipped."""
    items = list(clauses.items()) if isinstance(clauses, dict) else list(clauses or [])
    out = []
    for keyword, value in items:
        if value is None or value is False:
            continue
        clause, text = clause_text(spec, keyword, None if value is True else value)
        if doc is not None:
            check_refs(doc, clause, value, scope)
        out.append((clause, text))
    return out


class LineCuts:
    """Cuts and rewrites of spans on lines, merged per line so that they never collide."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.by_line: dict[tuple[str, int], list[tuple[int, int, str]]] = {}

    def cut(self, span: Any, new: str = "") -> None:
        """Remove a span (with the space that separates it), or replace it by `new`."""
        self.by_line.setdefault((span.file, span.line), []).append((span.col, span.end_col, new))

    def edits(self) -> list[_Edit]:
        """The replacements: one per changed line (whole lines when nothing is left)."""
        out: list[_Edit] = []
        doc = self.doc
        for (file, lineno), cuts in sorted(self.by_line.items()):
            raw = doc.line_text(file, lineno)
            line = doc.line(file, lineno)
            content = line.end_col - 1
            body = raw[:content]
            for col, end, new in sorted(set(cuts), reverse=True):
                a, b = col - 1, min(end - 1, len(body))
                if new:
                    body = body[:a] + new + body[b:]
                    continue
                if body[:a].strip():
                    a = len(body[:a].rstrip())
                else:
                    b += len(body[b:]) - len(body[b:].lstrip(" "))
                body = body[:a] + body[b:]
            start = doc.line_start(file, lineno)
            if not body.strip():
                total = doc.line_count(file)
                end_off = (
                    doc.line_start(file, lineno + 1) if lineno < total else len(doc.texts[file])
                )
                out.append((file, start, end_off, ""))
                continue
            old = raw[:content]
            head, tail = common_ends(old, body)
            out.append((file, start + head, start + len(old) - tail, body[head : len(body) - tail]))
        return out


def finish(doc: Doc, edits: list[_Edit], description: str) -> Patch:
    """The patch of `edits`, after building every changed top-level block again."""
    patch = Patch.build(doc.texts, edits, description)
    check_blocks(doc, patch)
    return patch


def check_blocks(doc: Doc, patch: Patch) -> None:
    """Build every changed top-level block again, on its own; a load error refuses the edit."""
    seen: set[tuple[str, int]] = set()
    for rep in patch.replacements:
        file = rep.file
        lineno = min(rep.start_line, doc.line_count(file))
        root = _root_at(doc, file, lineno)
        if root is None or (file, root.lineno) in seen:
            continue
        seen.add((file, root.lineno))
        first, last = root.lineno, doc.last_line(root)
        start, end = doc.line_start(file, first), doc.line_end(file, last)
        inside = [r for r in patch.replacements if r.file == file and start <= r.start <= end]
        text = doc.texts[file]
        pieces, pos = [], start
        for r in inside:
            pieces += [text[pos : r.start], r.new]
            pos = max(pos, r.end)
        pieces.append(text[pos:end] if pos < end else "")
        check_text("".join(pieces) + "\n", file, before=text[start:end] + "\n")


def _root_at(doc: Doc, file: str, lineno: int) -> Line | None:
    roots = doc.analysis.parsed[file].roots_at(lineno)
    i = bisect_right(roots, lineno, key=LINENO) - 1
    if i >= 0 and lineno <= doc.last_line(roots[i]):
        return roots[i]
    return None


def statement_name(node: Any) -> str:
    """A statement in words for messages: `step `quote``, `entity `hubspot.Contact``."""
    word = getattr(node, "statement", "statement")
    ident = getattr(node, "id", None) or getattr(node, "name", None) or getattr(node, "label", None)
    if isinstance(node, m.Entity):
        ident = node.key
    return f"{word} `{ident}`" if ident else word
