"""`crmdsl report`: a loaded map, its lint findings and a date in; a report out.

For stakeholders (a sales director, a data protection officer): journey health,
processes, data, integrations, goals with their return on investment as docs/language.md
defines it, measurements against targets, the return of each goal over its horizon, the
improvement backlog, the scale and cost of the stack, what the plan changes from as-is
to to-be, and the open findings by severity. `render_report` writes Markdown (with the
diagrams as `mermaid` blocks when asked), `report_data` the same figures as JSON-ready
data; `crmdsl.reporting.html` turns the Markdown into one self-contained HTML page. The
same map, findings and date give the same bytes. The parts live in `journeys`,
`processes`, `data`, `measures`, `stack`, `plan` and `diagrams`; the Markdown helpers
in `markdown`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crmdsl.errors import Diagnostic
from crmdsl.model import CrmMap, Goal, Touchpoint
from crmdsl.query.returns import PAYBACK_NEVER, GoalReturn, goal_return
from crmdsl.reporting.data import data_section, integration_section
from crmdsl.reporting.diagrams import diagram_section, report_diagrams
from crmdsl.reporting.journeys import journey_section
from crmdsl.reporting.markdown import code, esc, message, money, percent, plural, quantity, table
from crmdsl.reporting.measures import (
    measurement_data,
    measurement_section,
    return_data,
    return_section,
)
from crmdsl.reporting.plan import finding_data, plan_data, plan_section
from crmdsl.reporting.processes import process_section
from crmdsl.reporting.stack import backlog_data, backlog_section, scale_data, scale_section

__all__ = ["StateFindings", "render_report", "report_data"]


def _signed(value: float, currency: str) -> str:
    return ("+" if value >= 0 else "-") + money(abs(value), currency)


def _goal_sentence(goal: Goal, r: GoalReturn) -> str:
    name = f"**{esc(goal.title)}**"
    if r.currency is None and r.problem:
        return f"{name}: {r.problem}."
    currency = r.currency or ""
    parts: list[str] = []
    if r.yearly_value is not None:
        parts.append(f"{_signed(r.yearly_value, currency)} a year")
    if r.yearly_cost:
        against = f"{money(r.yearly_cost, currency)} a year"
        parts.append(f"against {against}" if r.yearly_value is not None else f"costs {against}")
    text = f"{name}: " + " ".join(parts) if parts else name
    if r.return_pct is not None:
        text += f", a {percent(r.return_pct)} return"
        if r.one_time_cost or r.horizon_years != 3:
            text += f" over {_years(r.horizon_years)}"
    else:
        text += (": " if not parts else "; ") + r.problem
    text += "."
    if r.one_time_cost:
        text += f" One-time cost: {money(r.one_time_cost, currency)}"
        if r.payback_months is not None:
            text += (
                ", never paid back"
                if r.payback_months == PAYBACK_NEVER
                else f", paid back in {r.payback_months:.1f} months"
            )
        text += "."
    if r.realised_value is not None:
        text += f" Realised so far: {_signed(r.realised_value, currency)} a year."
    return text


def _years(years: float) -> str:
    """`3 years`, `1 year`, `0.5 years`."""
    shown = f"{years:.1f}".removesuffix(".0")
    return f"{shown} year" + ("" if shown == "1" else "s")


def _goal_section(crm_map: CrmMap, today: dt.date) -> list[str]:
    out = ["## Goals", ""]
    if not crm_map.goals:
        return [*out, "The map has no goals.", ""]
    for goal in crm_map.goals:
        owner = f" (owner {code(goal.owner.text)})" if goal.owner else ""
        out += [
            f"### {esc(goal.title)}{owner}",
            "",
            _goal_sentence(goal, goal_return(goal, today)),
            "",
        ]
        if goal.metrics:
            rows = []
            for m in goal.metrics:
                by = m.by.isoformat() if m.by else "**no date**"
                if m.by is not None and m.by < today:
                    by += " (past due)"
                rows.append(
                    [
                        code(m.name),
                        quantity(m.baseline) if m.baseline else "**none**",
                        quantity(m.target) if m.target else "**none**",
                        by,
                    ]
                )
            out += table(["Metric", "Baseline", "Target", "By"], rows)
            out.append("")
        support = ", ".join(code(r.text) for r in goal.supported_by)
        out += [f"Supported by: {support or '**nothing named**'}.", ""]
    return out


_SEVERITY_TITLES = (("error", "Errors"), ("warning", "Warnings"), ("info", "Info"))


def _findings_section(findings: Sequence[Diagnostic] | None, suppressed: int) -> list[str]:
    out = ["## Findings", ""]
    if findings is None:
        return [*out, "The map was not linted.", ""]
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev, _ in _SEVERITY_TITLES}
    summary = (
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{plural(counts['info'], 'info finding')}"
    )
    if suppressed:
        summary += f" ({suppressed} silenced by suppression comments)"
    out += [summary + ". `crmdsl explain CODE` tells more about each rule.", ""]
    for sev, title in _SEVERITY_TITLES:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        out += [f"### {title} ({len(group)})", ""]
        rows = [
            [
                code(f.code),
                esc(f.kind),
                code(f"{f.span.file}:{f.span.line}") if f.span else "—",
                message(f.message),
            ]
            for f in group
        ]
        out += table(["Code", "Rule", "Where", "Finding"], rows)
        out.append("")
    return out


def _header(crm_map: CrmMap, today: dt.date, path: str | None) -> list[str]:
    title = crm_map.title or (path or "CRM map")
    out = [f"# {esc(title)}: CRM map report", ""]
    facts = []
    if path:
        facts.append(f"map {code(path)} ({plural(len(crm_map.files) or 1, 'file')})")
    header = crm_map.header
    if header is not None and header.owner is not None:
        facts.append(f"owner {code(header.owner.text)}")
    if header is not None:
        facts.append(
            f"reviewed {header.reviewed.isoformat()}" if header.reviewed else "never reviewed"
        )
    facts.append(f"report of {today.isoformat()}")
    out += ["; ".join(facts)[:1].upper() + "; ".join(facts)[1:] + ".", ""]
    if header is not None and header.description:
        out += [f"> {esc(header.description)}", ""]
    touchpoints = sum(len(s.touchpoints) for j in crm_map.journeys for s in j.stages)
    steps = sum(1 for p in crm_map.processes for n in p.nodes if n.statement == "step")
    glance = [
        plural(len(crm_map.journeys), "journey") + f" ({plural(touchpoints, 'touchpoint')})",
        plural(len(crm_map.processes), "process", "processes") + f" ({plural(steps, 'step')})",
        plural(len(crm_map.systems), "system")
        + f" ({plural(len(crm_map.entities), 'entity', 'entities')})",
        plural(len(crm_map.integrations), "integration"),
        plural(len(crm_map.goals), "goal"),
    ]
    return [*out, "At a glance: " + ", ".join(glance) + ".", ""]


#: The findings of the as-is map and of the to-be map, for "From as-is to to-be".
StateFindings = tuple[Sequence[Diagnostic], Sequence[Diagnostic]]


def render_report(
    crm_map: CrmMap,
    findings: Sequence[Diagnostic] | None,
    today: dt.date,
    *,
    path: str | None = None,
    suppressed: int = 0,
    states: StateFindings | None = None,
    diagrams: bool = False,
) -> str:
    """The whole report as Markdown text (ends with one newline).

    `states` are the findings of the as-is and the to-be map (the plan's effect on the
    findings is left out without them); `diagrams` embeds the overview, the journeys
    and their emotion curves, the processes and the goal charts as `mermaid` blocks.
    """
    drawn = diagram_section(report_diagrams(crm_map)) if diagrams else []
    lines = [
        *_header(crm_map, today, path),
        *drawn,
        *journey_section(crm_map),
        *process_section(crm_map),
        *data_section(crm_map),
        *integration_section(crm_map),
        *_goal_section(crm_map, today),
        *measurement_section(measurement_data(crm_map, today)),
        *return_section(return_data(crm_map, today)),
        *backlog_section(crm_map, backlog_data(crm_map)),
        *scale_section(scale_data(crm_map)),
        *plan_section(plan_data(crm_map, states)),
        *_findings_section(findings, suppressed),
    ]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def report_data(
    crm_map: CrmMap,
    findings: Sequence[Diagnostic] | None,
    today: dt.date,
    *,
    path: str | None = None,
    suppressed: int = 0,
    states: StateFindings | None = None,
) -> dict[str, object]:
    """The report's figures as JSON-ready data (what `crmdsl report --format json` writes)."""
    header = crm_map.header
    journeys = [
        {
            "id": j.id,
            "title": j.title,
            "stages": [
                {"id": s.id, "title": s.title, "average_score": _average(s.touchpoints)}
                for s in j.stages
            ],
        }
        for j in crm_map.journeys
    ]
    return {
        "title": crm_map.title,
        "path": path,
        "today": today.isoformat(),
        "owner": header.owner.text if header is not None and header.owner else None,
        "reviewed": header.reviewed.isoformat() if header is not None and header.reviewed else None,
        "journeys": journeys,
        "measurements": measurement_data(crm_map, today),
        "returns": return_data(crm_map, today),
        "backlog": backlog_data(crm_map),
        "scale": scale_data(crm_map),
        "plan": plan_data(crm_map, states),
        "findings": None if findings is None else [finding_data(f) for f in findings],
        "suppressed": suppressed,
    }


def _average(touchpoints: Sequence[Touchpoint]) -> float | None:
    scores = [t.score for t in touchpoints if t.score is not None]
    return round(sum(scores) / len(scores), 2) if scores else None
