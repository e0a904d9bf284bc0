"""The Measurements and Return parts of `crmdsl report`: a map and a date in.

Out: `measurement_data` and `return_data` (JSON-ready) and their Markdown sections.

- **Measurements**: each goal metric and touchpoint KPI: baseline → actual → target (a
  signed percent applied to the baseline), the share of the way from baseline to target
  the actual has gone, its track, its `as-of` date, and the touchpoint's evidence. The
  track: `reached` (the whole way), `off track` (moved away from the target, or its `by`
  date passed short of it), `on track` (on the way), `not measured` (no actual), or
  `—` when there is no baseline and target to measure against.
- **Return**: per goal, its yearly value, yearly and one-time cost, horizon, return over
  the horizon, payback and realised value, as `crmdsl.goal_return` computes them.
"""

from __future__ import annotations

import datetime as dt
import math

from crmdsl.model import CrmMap, Quantity
from crmdsl.query.returns import goal_return, progress, resolve_value
from crmdsl.reporting.markdown import code, esc, money, number, percent, plural, table

__all__ = ["measurement_data", "measurement_section", "return_data", "return_section", "years"]

Row = dict[str, object]


def _text(q: Quantity | None) -> str | None:
    return q.text if q is not None else None


def _level(baseline: Quantity | None, value: Quantity | None) -> float | None:
    """The level a signed percent of the baseline means; None for any other value."""
    if value is None or baseline is None or not value.signed or value.kind != "percent":
        return None
    return resolve_value(baseline, value)


def _track(share: float | None, has_actual: bool, by: dt.date | None, today: dt.date) -> str:
    if not has_actual:
        return "not measured"
    if share is None:
        return "—"
    if share >= 1:
        return "reached"
    if share < 0 or (by is not None and by < today):
        return "off track"
    return "on track"


def _row(
    where: str,
    name: str,
    values: tuple[Quantity | None, Quantity | None, Quantity | None],
    by: dt.date | None,
    as_of: dt.date | None,
    today: dt.date,
) -> Row:
    baseline, actual, target = values
    share = progress(baseline, target, actual)
    return {
        "where": where,
        "name": name,
        "baseline": _text(baseline),
        "actual": _text(actual),
        "target": _text(target),
        "actual_level": _level(baseline, actual),
        "target_level": _level(baseline, target),
        "by": by.isoformat() if by else None,
        "share": round(share * 100, 1) if share is not None else None,
        "track": _track(share, actual is not None, by, today),
        "as_of": as_of.isoformat() if as_of else None,
        "evidence": [],
    }


def measurement_data(crm_map: CrmMap, today: dt.date) -> list[Row]:
    """Every goal metric, then every touchpoint KPI, with its progress and track."""
    rows: list[Row] = []
    for goal in crm_map.goals:
        for m in goal.metrics:
            values = (m.baseline, m.actual, m.target)
            rows.append(_row(f"goal {goal.id}", m.name, values, m.by, m.as_of, today))
    for journey in crm_map.journeys:
        for stage in journey.stages:
            for tp in stage.touchpoints:
                for kpi in tp.kpis:
                    values = (kpi.baseline, kpi.actual, kpi.target)
                    row = _row(f"{journey.id}.{tp.id}", kpi.name, values, None, kpi.as_of, today)
                    row["evidence"] = list(tp.evidence)
                    rows.append(row)
    return rows


def _cell(value: object) -> str:
    return esc(str(value)) if value is not None else "—"


def _value(text: object, level: object = None) -> str:
    """A value as written, digits grouped (`500_000 USD`: `500,000 USD`), with its level.

    A signed percent of a baseline shows the level it means: `-20% (400,000)`.
    """
    if text is None:
        return "—"
    shown = esc(str(text).replace("_", ","))
    return f"{shown} ({number(level)})" if isinstance(level, float) else shown


def measurement_section(rows: list[Row]) -> list[str]:
    """`## Measurements`: a table of metrics and KPIs, baseline → actual → target."""
    out = ["## Measurements", ""]
    if not rows:
        return [*out, "The map has no goal metric and no KPI.", ""]
    off = sum(1 for r in rows if r["track"] == "off track")
    unmeasured = sum(1 for r in rows if r["track"] == "not measured")
    out += [
        f"{plural(len(rows), 'measure')}: {off} off track, {unmeasured} not measured yet. "
        "The share is how much of the way from baseline to target the actual has gone.",
        "",
    ]
    head = ["Of", "Measure", "Baseline → actual → target", "Share", "Track", "As of", "Evidence"]
    body = []
    for r in rows:
        way = " → ".join(
            _value(r[k], r.get(f"{k}_level")) for k in ("baseline", "actual", "target")
        )
        if r["by"]:
            way += f" by {r['by']}"
        share = percent(float(str(r["share"]))) if r["share"] is not None else "—"
        track = str(r["track"])
        evidence = r["evidence"]
        assert isinstance(evidence, list)
        body.append(
            [
                code(str(r["where"])),
                esc(str(r["name"])),
                way,
                share,
                f"**{track}**" if track == "off track" else track,
                _cell(r["as_of"]),
                "; ".join(esc(e) for e in evidence) or "—",
            ]
        )
    return [*out, *table(head, body), ""]


def years(value: float) -> str:
    """`3 years`, `1 year`, `0.5 years`."""
    shown = f"{value:.1f}".removesuffix(".0")
    return f"{shown} year" + ("" if shown == "1" else "s")


def return_data(crm_map: CrmMap, today: dt.date) -> list[Row]:
    """Each goal's money over its horizon (None where a figure does not apply)."""
    rows: list[Row] = []
    for goal in crm_map.goals:
        r = goal_return(goal, today)
        payback: object = r.payback_months
        if payback == math.inf:
            payback = "never"
        elif isinstance(payback, float):
            payback = round(payback, 1)
        rows.append(
            {
                "goal": goal.id,
                "title": goal.title,
                "currency": r.currency,
                "yearly_value": r.yearly_value,
                "yearly_cost": r.yearly_cost,
                "one_time_cost": r.one_time_cost,
                "horizon_years": r.horizon_years,
                "return_pct": round(r.return_pct, 1) if r.return_pct is not None else None,
                "payback_months": payback,
                "realised_value": r.realised_value,
                "problem": r.problem or None,
            }
        )
    return rows


def _money(value: object, currency: object, signed: bool = False) -> str:
    if not isinstance(value, int | float) or not currency:
        return "—"
    text = money(abs(value) if signed else value, str(currency))
    return (("+" if value >= 0 else "-") + text) if signed else text


def _realised(value: object, currency: object) -> str:
    shown = _money(value, currency, signed=True)
    return shown if shown == "—" else f"{shown} a year"


def return_section(rows: list[Row]) -> list[str]:
    """`## Return`: per goal, value, costs, horizon, return, payback and realised value."""
    out = ["## Return", ""]
    if not rows:
        return [*out, "The map has no goals.", ""]
    out += [
        "Over each goal's horizon: return = (yearly value × years − cost) / cost, where cost "
        "= yearly cost × years + one-time cost; payback = one-time cost ÷ monthly net value.",
        "",
    ]
    head = ["Goal", "Yearly value", "Yearly cost", "One-time cost", "Horizon", "Return"]
    head += ["Payback", "Realised"]
    body = []
    notes = []
    for r in rows:
        cur = r["currency"]
        payback = r["payback_months"]
        back = "—" if payback is None else "never" if payback == "never" else f"{payback} months"
        ret = r["return_pct"]
        body.append(
            [
                f"{esc(str(r['title']))} ({code(str(r['goal']))})",
                _money(r["yearly_value"], cur, signed=True),
                _money(r["yearly_cost"], cur) if r["yearly_cost"] else "—",
                _money(r["one_time_cost"], cur) if r["one_time_cost"] else "—",
                years(float(str(r["horizon_years"]))),
                percent(float(str(ret))) if ret is not None else "—",
                back,
                _realised(r["realised_value"], cur),
            ]
        )
        if r["problem"]:
            notes.append(f"- {esc(str(r['title']))}: {esc(str(r['problem']))}.")
    return [*out, *table(head, body), "", *notes, *([""] if notes else [])]
