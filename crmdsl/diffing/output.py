"""A `MapDiff` written out: text lines for a terminal, Markdown for a pull request, JSON.

In: `MapDiff`s (one per map compared) and whether to leave out the changes of no meaning
(`semantic`). Out: `text_lines` gives (style, line) pairs, the style one of `head`,
`added`, `removed`, `changed`, `dim` or `` for the command line to colour; `markdown`
gives a page (a summary table, details in `<details>` blocks, change diagrams in
`mermaid` blocks); `to_json` gives a dict following `JSON_SCHEMA`. The same diff gives
the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from crmdsl.diffing import MapDiff
from crmdsl.diffing.compare import ElementChange
from crmdsl.reporting.markdown import code, esc, message
from crmdsl.views.markup import html_text, one_line

__all__ = ["JSON_SCHEMA", "MARKDOWN_BUDGET", "markdown", "stat_rows", "text_lines", "to_json"]

Line = tuple[str, str]
_SIGNS = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}
_STYLES = {"added": "added", "removed": "removed", "changed": "changed", "renamed": "changed"}
_CLAUSE_STYLES = {"set": "added", "added": "added", "cleared": "removed", "removed": "removed"}
_PLURAL = {"entity": "entities", "map-line": "map lines", "map": "map header"}


def _kinds(word: str, n: int) -> str:
    if n == 1:
        return word.replace("-", " ")
    return _PLURAL.get(word, word + "s")


def _title(c: ElementChange) -> str:
    return f' "{c.label}"' if c.label is not None else ""


def stat_rows(diff: MapDiff) -> list[tuple[str, str]]:
    """What changed, counted: (what, `2 changed, 1 added`) rows, as `git diff --stat`."""
    rows: list[tuple[str, str]] = []
    by_kind: dict[str, Counter[str]] = {}
    for c in diff.changes:
        by_kind.setdefault(c.kind, Counter())[c.status] += 1
    for kind, counts in by_kind.items():
        total = sum(counts.values())
        rows.append((_kinds(kind, total), _counted(counts)))
    findings = Counter(f.status for f in diff.findings)
    if findings:
        rows.append(("findings", _counted(findings)))
    if diff.goals:
        rows.append(("goal figures", f"{len(diff.goals)} changed"))
    views: Counter[str] = Counter(v.status for v in diff.views)
    if views:
        rows.append(("views", _counted(views)))
    return rows


def _counted(counts: Counter[str]) -> str:
    order = ("added", "removed", "changed", "renamed", "introduced", "resolved")
    return ", ".join(f"{counts[s]} {s}" for s in order if counts[s])


def _headline(diff: MapDiff) -> str:
    if diff.old_name == diff.new_name:
        return diff.new_name
    return f"{diff.old_name} → {diff.new_name}"


def text_lines(diffs: Sequence[MapDiff], semantic: bool = False) -> list[Line]:
    """The diff for a terminal: a stat block, then each change with its clauses."""
    out: list[Line] = []
    for diff in diffs:
        out.append(("head", _headline(diff)))
        out += _errors_text(diff)
        rows = stat_rows(diff)
        width = max((len(r[0]) for r in rows), default=0)
        out += [("", f" {what.ljust(width)} | {counts}") for what, counts in rows]
        if diff.same and not diff.load_failed:
            out.append(("dim", " no change in meaning"))
        out += _changes_text(diff)
        out += _findings_text(diff)
        out += [
            ("changed", f"goal {g.id}: {g.old or '(none)'} → {g.new or '(none)'}")
            for g in diff.goals
        ]
        for v in diff.views:
            marks = ", ".join(f"{n} {k}" for k, n in v.counts.items() if n)
            out.append(
                (
                    _STYLES.get(v.status, ""),
                    f"view {v.name} {v.status}" + (f" ({marks})" if marks else ""),
                )
            )
        if not semantic:
            out += [("dim", f"note: {n.kind}: {n.text}") for n in diff.notes]
        out.append(("", ""))
    while out and out[-1] == ("", ""):
        out.pop()
    return out


def _errors_text(diff: MapDiff) -> list[Line]:
    out: list[Line] = []
    for side, errors in (("old", diff.old_errors), ("new", diff.new_errors)):
        for d in errors:
            where = f"{d.span}: " if d.span else ""
            out.append(("removed", f"load error in the {side} map: {where}{d.message}"))
    if diff.load_failed:
        out.append(("dim", "what loaded is compared; findings are not compared"))
    return out


def _changes_text(diff: MapDiff) -> list[Line]:
    out: list[Line] = []
    if diff.changes:
        out.append(("", ""))
    for c in diff.changes:
        head = f"{_SIGNS[c.status]} {c.kind} {c.id}{_title(c)}"
        if c.status == "renamed":
            head = f"{_SIGNS[c.status]} {c.kind} {c.old_id} renamed to {c.id}{_title(c)}"
        out.append((_STYLES[c.status], head))
        out += [(_CLAUSE_STYLES.get(x.status, ""), f"    {x.text()}") for x in c.clauses]
        if c.followed:
            out.append(("dim", "    references that followed: " + "; ".join(c.followed)))
    return out


def _findings_text(diff: MapDiff) -> list[Line]:
    out: list[Line] = []
    for f in diff.findings:
        sign = "+" if f.status == "introduced" else "-"
        where = f" ({f.element})" if f.element else ""
        style = "removed" if f.status == "introduced" else "added"
        out.append((style, f"{sign} {f.status} {f.severity}[{f.code}] {f.message}{where}"))
    return out


# --- Markdown ---------------------------------------------------------------------------


def markdown(diffs: Sequence[MapDiff], semantic: bool = False) -> str:
    """The diff as a Markdown page for a pull-request comment or a job summary.

    The page stays under `MARKDOWN_BUDGET` characters: past it, change diagrams and the
    rest of long lists are left out, saying so (`--format json` has everything).
    """
    page = _Page()
    for diff in diffs:
        page.add([f"### Map diff: {code(_headline(diff))}", ""])
        page.add(_errors_md(diff))
        rows = stat_rows(diff)
        if rows:
            page.add(["| What | Changes |", "|---|---|"])
            page.add([f"| {esc(what)} | {counts} |" for what, counts in rows] + [""])
        elif not diff.load_failed:
            page.add(["No change in meaning.", ""])
        if diff.findings:
            items = [
                f"- {'**new**' if f.status == 'introduced' else 'resolved'} "
                f"{f.severity} `{f.code}` {message(f.message)}"
                + (f" ({code(f.element)})" if f.element else "")
                for f in diff.findings
            ]
            page.details("Findings", items, open_=True)
        if diff.goals:
            rows_g = [
                f"| {code(g.id)} | {esc(g.old or '—')} | {esc(g.new or '—')} |" for g in diff.goals
            ]
            page.details("Goals", ["| Goal | Before | After |", "|---|---|---|", *rows_g])
        if diff.changes:
            page.details("Elements", _changes_md(diff))
        _views_md(page, diff)
        if diff.notes and not semantic:
            notes = [f"- {n.kind}: {esc(n.text)}" for n in diff.notes]
            page.details("Changes of no meaning", notes)
    return "\n".join(page.lines).rstrip("\n") + "\n"


#: Characters of Markdown past which diagrams and long lists are cut (a GitHub comment
#: holds 65,536).
MARKDOWN_BUDGET = 60_000
_MORE = "- … and {n} more (`crmdsl diff --format json` lists every one)"


class _Page:
    """Markdown lines that keep count of their length."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    def add(self, lines: list[str]) -> None:
        self.lines += lines
        self.size += sum(len(line) + 1 for line in lines)

    def room(self) -> int:
        return MARKDOWN_BUDGET - self.size

    def details(self, summary: str, body: list[str], open_: bool = False) -> None:
        kept: list[str] = []
        used = 200  # the block's own lines, and the line saying what is left out
        for n, line in enumerate(body):
            if used + len(line) + 1 > self.room():
                kept.append(_MORE.format(n=len(body) - n))
                break
            kept.append(line)
            used += len(line) + 1
        self.add(_details(summary, kept, open_))


def _views_md(page: _Page, diff: MapDiff) -> None:
    """A block per view with its change diagram while they fit; then one list of the rest."""
    rest: list[str] = []
    for v in diff.views:
        text = f"The {esc(v.name)} view was {v.status}."
        if rest or (v.diagram and len(v.diagram) + 400 > page.room()):
            rest.append(f"- {esc(v.name)} ({v.status})")
            continue
        body = [text] + (["", "```mermaid", v.diagram.rstrip("\n"), "```"] if v.diagram else [])
        page.add(_details(f"View: {v.name} ({v.status})", body))
    if rest:
        page.details("Other views that changed (no room for their diagrams here)", rest)


def _details(summary: str, body: list[str], open_: bool = False) -> list[str]:
    head = "<details open>" if open_ else "<details>"
    # The summary is inside an HTML block, where Markdown escapes are not read.
    summary_line = f"<summary>{html_text(one_line(summary))}</summary>"
    return [head, summary_line, "", *body, "", "</details>", ""]


def _errors_md(diff: MapDiff) -> list[str]:
    out: list[str] = []
    for side, errors in (("old", diff.old_errors), ("new", diff.new_errors)):
        for d in errors:
            where = f"{code(str(d.span))}: " if d.span else ""
            out.append(f"- **load error** in the {side} map: {where}{message(d.message)}")
    return [*out, ""] if out else out


def _changes_md(diff: MapDiff) -> list[str]:
    out: list[str] = []
    for c in diff.changes:
        label = f" {esc(_title(c).strip())}" if c.label is not None else ""
        if c.status == "renamed":
            out.append(f"- renamed {c.kind} {code(c.old_id or '')} → {code(c.id)}{label}")
        else:
            out.append(f"- {c.status} {c.kind} {code(c.id)}{label}")
        out += [f"  - {code(x.text())}" for x in c.clauses]
        if c.followed:
            out.append("  - references that followed: " + ", ".join(code(f) for f in c.followed))
    return out


# --- JSON -------------------------------------------------------------------------------


def to_json(diffs: Sequence[MapDiff], semantic: bool = False) -> dict[str, Any]:
    """The diff as a JSON-ready dict (see `JSON_SCHEMA` and docs/diff.md)."""
    return {
        "version": 1,
        "same": all(d.same for d in diffs),
        "maps": [_map_json(d, semantic) for d in diffs],
    }


def _map_json(d: MapDiff, semantic: bool) -> dict[str, Any]:
    return {
        "old": d.old_name,
        "new": d.new_name,
        "same": d.same,
        "load_errors": [
            {"side": side, **e.to_json()}
            for side, errs in (("old", d.old_errors), ("new", d.new_errors))
            for e in errs
        ],
        "elements": [
            {
                "kind": c.kind,
                "id": c.id,
                "label": c.label,
                "status": c.status,
                "old_id": c.old_id,
                "file": c.file,
                "line": c.line,
                "clauses": [
                    {"clause": x.clause, "status": x.status, "old": x.old, "new": x.new}
                    for x in c.clauses
                ],
                "followed": list(c.followed),
            }
            for c in d.changes
        ],
        "findings": [
            {
                "status": f.status,
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "element": f.element,
                "file": f.file,
                "line": f.line,
            }
            for f in d.findings
        ],
        "findings_compared": d.linted,
        "goals": [{"id": g.id, "label": g.label, "old": g.old, "new": g.new} for g in d.goals],
        "views": [
            {
                "view": v.view,
                "subject": v.subject,
                "title": v.title,
                "status": v.status,
                "counts": dict(v.counts),
                "diagram": v.diagram,
            }
            for v in d.views
        ],
        "notes": [] if semantic else [{"kind": n.kind, "text": n.text} for n in d.notes],
    }


_STR_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": sorted(props),
        "additionalProperties": False,
        "properties": props,
    }


def _enum(*values: str) -> dict[str, Any]:
    return {"enum": list(values)}


_LOAD_ERROR = {
    "type": "object",
    "required": ["side", "kind", "message"],
    "properties": {"side": _enum("old", "new"), "kind": {"type": "string"}},
}
_CLAUSE = _obj(
    {
        "clause": {"type": "string"},
        "status": _enum("set", "cleared", "changed", "added", "removed"),
        "old": _STR_OR_NULL,
        "new": _STR_OR_NULL,
    }
)
_ELEMENT = _obj(
    {
        "kind": {"type": "string"},
        "id": {"type": "string"},
        "label": _STR_OR_NULL,
        "status": _enum("added", "removed", "changed", "renamed"),
        "old_id": _STR_OR_NULL,
        "file": {"type": "string"},
        "line": {"type": "integer"},
        "clauses": {"type": "array", "items": _CLAUSE},
        "followed": {"type": "array", "items": {"type": "string"}},
    }
)
_FINDING = _obj(
    {
        "status": _enum("introduced", "resolved"),
        "code": {"type": "string"},
        "severity": _enum("error", "warning", "info"),
        "message": {"type": "string"},
        "element": _STR_OR_NULL,
        "file": _STR_OR_NULL,
        "line": _INT_OR_NULL,
    }
)
_VIEW = _obj(
    {
        "view": {"type": "string"},
        "subject": _STR_OR_NULL,
        "title": {"type": "string"},
        "status": _enum("added", "removed", "changed"),
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "diagram": _STR_OR_NULL,
    }
)
_MAP = _obj(
    {
        "old": {"type": "string"},
        "new": {"type": "string"},
        "same": {"type": "boolean"},
        "load_errors": {"type": "array", "items": _LOAD_ERROR},
        "elements": {"type": "array", "items": _ELEMENT},
        "findings": {"type": "array", "items": _FINDING},
        "findings_compared": {"type": "boolean"},
        "goals": {
            "type": "array",
            "items": _obj(
                {
                    "id": {"type": "string"},
                    "label": _STR_OR_NULL,
                    "old": _STR_OR_NULL,
                    "new": _STR_OR_NULL,
                }
            ),
        },
        "views": {"type": "array", "items": _VIEW},
        "notes": {
            "type": "array",
            "items": _obj({"kind": _enum("order", "moved", "format"), "text": {"type": "string"}}),
        },
    }
)

#: The JSON Schema of `crmdsl diff --format json` (`to_json`).
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "crmdsl diff",
    **_obj(
        {
            "version": {"const": 1},
            "same": {"type": "boolean"},
            "maps": {"type": "array", "items": _MAP},
        }
    ),
}
