"""A tiny stand-in for `crmdsl.rules`: a few rules with the real interface.

Config, suppression and format tests run on it, so they test the machinery around the
rules and stay the same whatever the real rules find.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from crmdsl.errors import Diagnostic, Note, Span
from crmdsl.rules.map import unused_suppression
from crmdsl.rules.registry import SuppressionPass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    group: str
    doc: str
    check: object
    fix: object = None
    after_suppressions: bool = False


@dataclass
class RuleContext:
    map: object
    today: dt.date
    max_review_age: int = 12
    max_handoffs: int = 6
    max_measurement_age: int = 6
    standalone: bool = False
    suppressions: SuppressionPass | None = None
    seen: dict = field(default_factory=dict)


def _line(span: Span) -> Span:
    return Span(span.file, span.line, span.col, span.line, span.col + 1)


def _m001(ctx: RuleContext) -> Iterator[Diagnostic]:
    if ctx.standalone and ctx.map.header is None:
        file = ctx.map.files[0] if ctx.map.files else "<string>"
        yield Diagnostic("x", "this file has no map header", Span(file, 1, 1, 1, 2), code="M001")


def _m002(ctx: RuleContext) -> Iterator[Diagnostic]:
    h = ctx.map.header
    if h is None:
        return
    if h.reviewed is None:
        yield Diagnostic("x", "the map has no `reviewed` date", _line(h.span), code="M002")
        return
    months = (ctx.today.year - h.reviewed.year) * 12 + ctx.today.month - h.reviewed.month
    if months > ctx.max_review_age:
        yield Diagnostic(
            "x", f"the map was last reviewed {months} months ago", _line(h.span), code="M002"
        )


def _m003(ctx: RuleContext) -> Iterator[Diagnostic]:
    m = ctx.map
    for kind, things in (
        ("journey", m.journeys),
        ("process", m.processes),
        ("system", m.systems),
        ("integration", m.integrations),
        ("goal", m.goals),
    ):
        for t in things:
            if t.owner is None:
                yield Diagnostic(
                    "x",
                    f"{kind} `{t.id}` has no owner",
                    _line(t.span),
                    code="M003",
                    hint="add `owner TEAM`",
                )


def _j104(ctx: RuleContext) -> Iterator[Diagnostic]:
    for j in ctx.map.journeys:
        for s in j.stages:
            for t in s.touchpoints:
                if t.score is None:
                    yield Diagnostic(
                        "x", f"touchpoint `{t.id}` has no score", _line(t.span), code="J104"
                    )


def _p205(ctx: RuleContext) -> Iterator[Diagnostic]:
    for p in ctx.map.processes:
        for n in p.nodes:
            if getattr(n, "node", "") == "step" and n.owner is None:
                yield Diagnostic(
                    "x",
                    f"step `{n.id}` has no owner",
                    _line(n.span),
                    code="P205",
                    notes=(Note(f"it is in process `{p.id}`", _line(p.span)),),
                )


def _d305(ctx: RuleContext) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for s in ctx.map.systems:
        for d in s.record_of:
            if d.value in seen:
                yield Diagnostic(
                    "x",
                    f"`{s.id}` and `{seen[d.value]}` both hold {d.value}",
                    _line(s.span),
                    code="D305",
                )
            else:
                seen[d.value] = s.id


_DOC = """What it does: flags {what}.

Why it matters: {why}

Example:
    {bad}
Fix:
    {good}
"""

_TABLE = [
    ("M001", "map-missing-header", "warning", _m001),
    ("M002", "map-stale", "warning", _m002),
    ("M003", "owner-missing", "warning", _m003),
    ("M005", "unused-suppression", "info", unused_suppression),  # the real one
    ("J104", "touchpoint-no-score", "info", _j104),
    ("P205", "step-no-owner", "warning", _p205),
    ("D305", "multiple-systems-of-record", "error", _d305),
]

RULES = {
    code: Rule(
        code,
        name,
        sev,
        code[0],
        _DOC.format(
            what=name.replace("-", " "),
            why=f"because {name} matters.",
            bad=f"bad {code}",
            good=f"good {code}",
        ),
        check,
        after_suppressions=code == "M005",
    )
    for code, name, sev, check in _TABLE
}


def run_rules(ctx: RuleContext, codes: Iterable[str] | None = None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for code in codes if codes is not None else RULES:
        rule = RULES[code]
        for d in rule.check(ctx):
            extra = dict(d.extra or {})
            out.append(
                Diagnostic(
                    rule.name, d.message, d.span, d.hint, d.notes, rule.severity, code, extra
                )
            )
    return out


def install(monkeypatch) -> types.ModuleType:
    """Put this module in place of `crmdsl.rules` for one test."""
    module = types.ModuleType("crmdsl.rules")
    module.RULES = RULES
    module.Rule = Rule
    module.RuleContext = RuleContext
    module.SuppressionPass = SuppressionPass
    module.run_rules = run_rules
    monkeypatch.setitem(sys.modules, "crmdsl.rules", module)
    import crmdsl

    monkeypatch.setattr(crmdsl, "rules", module, raising=False)
    return module
