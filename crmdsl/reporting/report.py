"""`crmdsl report`: a loaded map, its lint findings and a date in; a Markdown page out.

For stakeholders (a sales director, a data protection officer): journey health,
processes, data, integrations, goals with their return on investment as docs/language.md defines
it, and the open findings by severity. The same map, findings and date give the same
bytes. The parts live in `report_journeys`, `report_processes` and `report_data`; the
Markdown helpers in `report_md`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from crmdsl.errors import Diagnostic
from crmdsl.model import CrmMap, Goal
from crmdsl.reporting.data import data_section, integration_section
from crmdsl.reporting.journeys import journey_section
from crmdsl.reporting.markdown import code, esc, message, money, percent, plural, quantity, table
from crmdsl.reporting.processes import process_section

__all__ = ["GoalReturn", "goal_return", "render_report"]


@dataclass(slots=True)
class GoalReturn:
    """A goal's money: yearly gain, yearly and one-time costs, return, or why there is none.

    Amounts are by currency; `problem` says in words why no return is given.
    """

    gain: dict[str, float] = field(default_factory=dict)
    yearly_cost: dict[str, float] = field(default_factory=dict)
    once_cost: dict[str, float] = field(default_factory=dict)
    ret: float | None = None
    problem: str = ""

    @property
    def currencies(self) -> list[str]:
        """Every currency the goal's money is in, sorted."""
        return sorted({*self.gain, *self.yearly_cost, *self.once_cost})


def goal_return(goal: Goal) -> GoalReturn:
    """The return on a goal (docs/language.md): (yearly gain − yearly cost) / yearly cost.

    The gain of a money metric is target minus baseline; a signed percent target applies
    to the baseline. Yearly cost is the `per year` costs plus twelve times the `per month`
    ones; `once` costs are kept apart. Money in two currencies gives no return.
    """
    out = GoalReturn()
    for m in goal.metrics:
        base, target = m.baseline, m.target
        if base is None or base.kind != "money" or base.currency is None or target is None:
            continue
        if target.kind == "percent" and target.signed:
            gain = base.value * target.value / 100
            currency = base.currency
        elif target.kind == "money" and target.currency is not None:
            if target.currency != base.currency:
                out.gain[base.currency] = out.gain.get(base.currency, 0.0)
                out.gain[target.currency] = out.gain.get(target.currency, 0.0)
                continue
            gain = target.value - base.value
            currency = base.currency
        else:
            continue
        out.gain[currency] = out.gain.get(currency, 0.0) + gain
    for c in goal.costs:
        amount = c.amount
        if amount.kind != "money" or amount.currency is None:
            continue
        if c.period == "once":
            out.once_cost[amount.currency] = out.once_cost.get(amount.currency, 0.0) + amount.value
        else:
            yearly = amount.value * (12 if c.period == "month" else 1)
            out.yearly_cost[amount.currency] = out.yearly_cost.get(amount.currency, 0.0) + yearly
    currencies = out.currencies
    if len(currencies) > 1:
        out.problem = (
            f"its money is in {' and '.join(currencies)}, and currencies are never mixed, "
            "so no return is computed"
        )
    elif not out.gain:
        out.problem = (
            "no metric has a money baseline and a money or signed-percent target, so no return"
        )
    elif not out.yearly_cost:
        out.problem = "it has no yearly cost, so no return"
    else:
        (currency,) = currencies
        cost = out.yearly_cost[currency]
        if cost == 0:
            out.problem = "its yearly cost is zero, so no return"
        else:
            out.ret = (out.gain[currency] - cost) / cost * 100
    return out


def _signed(value: float, currency: str) -> str:
    return ("+" if value >= 0 else "-") + money(abs(value), currency)


def _goal_sentence(goal: Goal, r: GoalReturn) -> str:
    name = f"**{esc(goal.title)}**"
    parts: list[str] = []
    if len(r.currencies) > 1:
        return f"{name}: {r.problem}."
    if r.gain:
        (currency,) = r.gain
        parts.append(f"{_signed(r.gain[currency], currency)} a year")
    if r.yearly_cost:
        (currency,) = r.yearly_cost
        against = f"{money(r.yearly_cost[currency], currency)} a year"
        parts.append(f"against {against}" if r.gain else f"costs {against}")
    text = f"{name}: " + " ".join(parts) if parts else name
    if r.ret is not None:
        text += f", a {percent(r.ret)} return"
    else:
        text += (": " if not parts else "; ") + r.problem
    text += "."
    if r.once_cost:
        once = ", ".join(money(v, c) for c, v in sorted(r.once_cost.items()))
        text += f" One-time cost: {once} (shown apart, not in the return)."
    return text


def _goal_section(crm_map: CrmMap, today: dt.date) -> list[str]:
    out = ["## Goals", ""]
    if not crm_map.goals:
        return [*out, "The map has no goals.", ""]
    for goal in crm_map.goals:
        owner = f" (owner {code(goal.owner.text)})" if goal.owner else ""
        out += [f"### {esc(goal.title)}{owner}", "", _goal_sentence(goal, goal_return(goal)), ""]
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


def render_report(
    crm_map: CrmMap,
    findings: Sequence[Diagnostic] | None,
    today: dt.date,
    *,
    path: str | None = None,
    suppressed: int = 0,
) -> str:
    """The whole report as Markdown text (ends with one newline)."""
    lines = [
        *_header(crm_map, today, path),
        *journey_section(crm_map),
        *process_section(crm_map),
        *data_section(crm_map),
        *integration_section(crm_map),
        *_goal_section(crm_map, today),
        *_findings_section(findings, suppressed),
    ]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
