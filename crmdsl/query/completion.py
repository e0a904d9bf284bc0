"""Completion: the text being edited and a position in, what may be typed there out.

Everything comes from the clause table (`crmdsl.language.schema`): at the start of a
line, the statements that may stand at that indentation (and the clauses of the
statement above, which may continue on their own lines), with snippets for new
declarations; after a statement's header, its clauses not given yet; after a reference
clause, the ids of the right kind from the loaded map (`owner ` -> teams, `system ` ->
systems, `backstage ` -> `process.step`, `-> ` in a process -> its steps); channel names
after `channel `; the choices of a clause (`kind `, `via `); field types after
`name: `, flags after the type and entities after `ref(`. The text is read around the
cursor only (the lines above it up to the top-level statement), so it works on text
that does not load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crmdsl import model as m
from crmdsl.language.loader import Analysis
from crmdsl.language.refs import REF_KINDS
from crmdsl.language.schema import (
    CHILD_KEYWORDS,
    FIELD_FLAGS,
    FIELD_TYPES,
    STATEMENTS,
    ClauseSpec,
    StatementSpec,
    ValueKind,
)
from crmdsl.query.symbols import Completion, SymbolIndex, kind_of, symbol_index

__all__ = ["completions_at"]

_PARTIAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|<->|->|,|[^\s,]+')

#: Snippets for new statements, by header shape (`id` statements use their keyword).
_SNIPPETS: dict[str, str] = {
    "id": '{kw} ${{1:id}} "${{2:Label}}"',
    "title": 'map "${1:Title}"',
    "path": 'include "${1:file.crm}"',
    "entity": 'entity ${1:system}.${2:Name} "${3:Label}"',
    "integration": 'integration ${1:id} "${2:Label}" ${3:source} -> ${4:target}',
    "flow": "flow ${1:a} -> ${2:b}",
    "metric": "metric ${1:name} baseline ${2:0} target ${3:0} by ${4:2027-01-01}",
    "kpi": 'kpi "${1:Name}" target ${2:0}',
    "cost": "cost ${1:1_000} USD per year",
    "mapping": "map ${1:Entity.field} -> ${2:Entity.field}",
    "outcome": "${1:yes} -> ${2:step}",
    "field": "${1:name}: ${2:string}",
}


@dataclass(slots=True)
class _Context:
    """Where the cursor is: the statement it belongs to and the tokens before it."""

    parent: str  # the statement the line stands in (`top` at column 1)
    scope: str  # the id of the enclosing process (for `->` targets), else ""
    ends: tuple[str, str]  # the systems of the enclosing integration, else ("", "")
    tokens: list[str]  # the tokens of the line before the partial word
    partial: str  # the word being typed


def completions_at(
    analysis: Analysis, text: str, file: str, line: int, col: int
) -> list[Completion]:
    """What may be typed at `line:col` of `text` (the file's current text), best first."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return []
    before = lines[line - 1][: max(col - 1, 0)]
    if _in_comment_or_string(before):
        return []
    match = _PARTIAL.search(before)
    partial = match.group(0) if match else ""
    head = before[: len(before) - len(partial)]
    indent = len(before) - len(before.lstrip(" "))
    parent, scope, ends = _parent(lines, line - 1, indent)
    ctx = _Context(parent, scope, ends, _TOKEN.findall(head), partial)
    found = _line_start(ctx) if not ctx.tokens else _in_line(ctx, symbol_index(analysis))
    wanted = partial.lower()
    return [c for c in found if c.label.lower().startswith(wanted)]


def _in_comment_or_string(before: str) -> bool:
    quoted = False
    escaped = False
    for ch in before:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return True
    return quoted


def _parent(lines: list[str], index: int, indent: int) -> tuple[str, str, tuple[str, str]]:
    """The statement whose block the line at `index` stands in, the process, the ends."""
    chain: list[list[str]] = []
    limit = indent
    for j in range(index - 1, -1, -1):
        raw = lines[j]
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#") or limit == 0:
            if limit == 0:
                break
            continue
        own = len(raw) - len(stripped)
        if own < limit:
            chain.append(_TOKEN.findall(stripped))
            limit = own
    context, scope, ends = "top", "", ("", "")
    for words in reversed(chain):
        spec = _statement(context, words[0])
        if spec is not None:
            context = spec.keyword
            if context == "process" and len(words) > 1:
                scope = words[1]
            if context == "integration":
                ends = _ends(words)
    return context, scope, ends


def _ends(words: list[str]) -> tuple[str, str]:
    """The source and target systems of an integration header's tokens."""
    for i, word in enumerate(words):
        if word in ("->", "<->") and 0 < i < len(words) - 1:
            return words[i - 1], words[i + 1]
    return "", ""


def _statement(context: str, word: str) -> StatementSpec | None:
    """The statement a line starting with `word` is, in the block of `context`."""
    if ":" in word:
        return STATEMENTS["field"] if context == "entity" else None
    key = CHILD_KEYWORDS.get(word, word) if context != "top" else word
    spec = STATEMENTS.get(key)
    if spec is not None and context in spec.parents:
        return spec
    if context == "decision" and word not in STATEMENTS:
        return STATEMENTS["outcome"]
    return None


def _line_start(ctx: _Context) -> list[Completion]:
    """At the start of a line: statements that may stand here, the parent's clauses."""
    out: list[Completion] = []
    children = [s for s in STATEMENTS.values() if ctx.parent in s.parents]
    for spec in children:
        if spec.header not in ("field", "outcome"):
            word = spec.keyword if spec.keyword != "map-line" else "map"
            out.append(Completion(word, "keyword", spec.doc, word))
    if ctx.parent != "top":
        out += _clauses(STATEMENTS[ctx.parent], ())
    for spec in children:
        template = _SNIPPETS.get(spec.header)
        if template is not None:
            word = spec.keyword if spec.keyword != "map-line" else "map"
            body = template.format(kw=word) if spec.header == "id" else template
            out.append(Completion(f"{word} …", "snippet", spec.syntax, body))
    return out


def _clauses(spec: StatementSpec, used: Iterable[str]) -> list[Completion]:
    """The clauses of a statement, but for those given already (unless they repeat)."""
    given = set(used)
    taken = {c.attr for c in spec.clauses if c.keyword in given and not c.repeat}
    return [
        Completion(c.keyword, "clause", f"{c.doc} ({c.expects()})", c.keyword)
        for c in spec.clauses
        if c.attr not in taken
    ]


def _in_line(ctx: _Context, index: SymbolIndex) -> list[Completion]:
    """Inside a line: the values of the clause before the cursor, or more clauses."""
    first = ctx.tokens[0]
    spec = _statement(ctx.parent, first)
    if spec is None and ctx.parent != "top":
        parent = STATEMENTS[ctx.parent]
        if parent.clause(first) is not None:
            spec = parent  # a clause continued on its own line
    if spec is None:
        return []
    if spec.keyword == "field":
        if ctx.tokens[-1].endswith("ref("):
            return _ids(index, (m.Entity,))
        return _field_line(ctx.tokens)
    special = _header_values(spec, ctx, index)
    if special is not None:
        return special
    clause = _governing(spec, ctx.tokens)
    if clause is not None:
        return _values(clause, ctx, index)
    if spec.header in ("id", "integration") and len(ctx.tokens) < 2 and spec.keyword == first:
        return []  # the new id is being typed
    return _clauses(spec, ctx.tokens)


def _governing(spec: StatementSpec, tokens: list[str]) -> ClauseSpec | None:
    """The clause whose value is being typed: the keyword before the cursor (or a list)."""
    last = tokens[-1]
    clause = spec.clause(last)
    if clause is not None and clause.value is not ValueKind.FLAG:
        return clause
    if last != ",":
        return None
    for token in reversed(tokens):
        clause = spec.clause(token)
        if clause is not None:
            return clause if clause.value in (ValueKind.REFS, ValueKind.NAMES) else None
    return None


def _values(clause: ClauseSpec, ctx: _Context, index: SymbolIndex) -> list[Completion]:
    if clause.value is ValueKind.CHOICE:
        return [Completion(c, "value", f"{clause.keyword}: {c}", c) for c in clause.choices]
    if clause.ref == "channel":
        return _ids(index, (m.Channel,), "channel")
    if clause.ref == "node":
        return _nodes(index, ctx.scope)
    kinds = REF_KINDS.get(clause.ref)
    return _ids(index, kinds) if kinds else []


def _header_values(
    spec: StatementSpec, ctx: _Context, index: SymbolIndex
) -> list[Completion] | None:
    """Values inside a header: an entity's system, an integration's ends, `->` targets."""
    tokens = ctx.tokens
    shape = spec.header
    if shape == "entity" and len(tokens) == 1:
        return _ids(index, (m.System,))
    if shape in ("outcome", "flow") and tokens[-1] == "->":
        return _nodes(index, ctx.scope)
    if shape == "integration" and (tokens[-1] in ("->", "<->") or _end_expected(tokens)):
        return _ids(index, (m.System,))
    if shape == "mapping" and (len(tokens) == 1 or tokens[-1] == "->"):
        system = ctx.ends[0] if len(tokens) == 1 else ctx.ends[1]
        fields = _ids(index, (m.EntityField,), under=system)
        return fields if system else _ids(index, (m.EntityField,), strip=1)
    return None


def _end_expected(tokens: list[str]) -> bool:
    """In `integration ID "Label" A`, after the id and the optional label, A is next."""
    rest = tokens[1:]
    return len(rest) == 1 or (len(rest) == 2 and rest[1].startswith('"'))


def _ids(
    index: SymbolIndex,
    kinds: tuple[type, ...],
    kind: str = "id",
    strip: int = 0,
    under: str = "",
) -> list[Completion]:
    """Completions for every id of the given kinds.

    `strip` drops leading parts of dotted ids; `under` keeps only the ids inside one
    scope, without it (`salesforce` -> `Lead.email`).
    """
    out: list[Completion] = []
    seen: set[str] = set()
    prefix = under + "." if under else ""
    for key in index.keys_of(kinds):
        if not key.startswith(prefix):
            continue
        node = index.nodes[key]
        shown = key.removeprefix("channel:")[len(prefix) :].split(".", strip)[-1]
        if shown in seen:
            continue
        seen.add(shown)
        label = getattr(node, "label", None)
        detail = kind_of(node) + (f" — {label}" if label else "")
        out.append(Completion(shown, kind, detail, shown))
    return out


def _nodes(index: SymbolIndex, scope: str) -> list[Completion]:
    """The steps, decisions and ends of one process, by their own ids."""
    return _ids(index, (m.Step, m.Decision, m.End), under=scope) if scope else []


def _field_line(tokens: list[str]) -> list[Completion]:
    """`name: ` -> the field types; after the type, the flags not given yet."""
    if len(tokens) == 1 and tokens[0].endswith(":") or tokens[-1] == ":":
        return [Completion(t, "value", "field type", t) for t in FIELD_TYPES]
    given = set(tokens)
    return [Completion(f, "value", "field flag", f) for f in FIELD_FLAGS if f not in given]
