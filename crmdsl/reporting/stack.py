"""The Backlog and Scale and cost parts of `crmdsl report`: a map in.

Out: `backlog_data` and `scale_data` (JSON-ready) and their Markdown sections.

- **Backlog**: every `idea` of every touchpoint, grouped by the goal it is `for` (in the
  map's goal order), each group by status (doing, open, done, dropped), with its owner
  and touchpoint; then the ideas for no goal (an unknown goal counts as none).
- **Scale and cost**: each system's users, licences and costs (a month counts twelve
  times a year; one-time costs apart); each entity's records and `growth`, projected over
  the longest goal horizon (3 years without goals): records × (1 + growth)^years; the
  stack's total cost per year by currency (never summed across currencies), and, when
  the map has a plan, the as-is stack's (without planned systems) and the to-be stack's
  (without retiring ones).
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Goal, System
from crmdsl.query.lifecycle import effective_lifecycle
from crmdsl.query.returns import DEFAULT_HORIZON_YEARS, horizon_years
from crmdsl.reporting.markdown import code, esc, money, number, plural, table

__all__ = ["STATUS_ORDER", "backlog_data", "backlog_section", "scale_data", "scale_section"]

#: The order ideas are listed in, within a goal.
STATUS_ORDER = ("doing", "open", "done", "dropped")

Row = dict[str, object]


def backlog_data(crm_map: CrmMap) -> dict[str, list[Row]]:
    """Ideas by goal id (`""` for no goal), goals in map order, each by status."""
    goals = {g.id for g in crm_map.goals}
    groups: dict[str, list[Row]] = {g.id: [] for g in crm_map.goals}
    groups[""] = []
    for journey in crm_map.journeys:
        for stage in journey.stages:
            for tp in stage.touchpoints:
                for idea in tp.ideas:
                    goal = idea.for_goal.target if idea.for_goal else None
                    groups[goal if goal in goals else ""].append(
                        {
                            "text": idea.text,
                            "status": idea.status,
                            "owner": idea.owner.text if idea.owner else None,
                            "touchpoint": f"{journey.id}.{tp.id}",
                            "for": idea.for_goal.text if idea.for_goal else None,
                        }
                    )
    for rows in groups.values():
        rows.sort(key=lambda r: STATUS_ORDER.index(str(r["status"])))
    return {key: rows for key, rows in groups.items() if rows}


def _idea_rows(rows: list[Row]) -> list[str]:
    body = [
        [
            esc(str(r["status"])),
            esc(str(r["text"])),
            code(str(r["owner"])) if r["owner"] else "**no owner**",
            code(str(r["touchpoint"])),
        ]
        for r in rows
    ]
    return [*table(["Status", "Idea", "Owner", "Touchpoint"], body), ""]


def backlog_section(crm_map: CrmMap, data: dict[str, list[Row]]) -> list[str]:
    """`## Backlog`: ideas by goal and status, with owners; ideas for no goal."""
    out = ["## Backlog", ""]
    every = [r for rows in data.values() for r in rows]
    if not every:
        return [*out, "No touchpoint has an idea.", ""]
    counts = ", ".join(f"{sum(1 for r in every if r['status'] == s)} {s}" for s in STATUS_ORDER)
    out += [f"{plural(len(every), 'idea')}: {counts}.", ""]
    titles = {g.id: g for g in crm_map.goals}
    for key, rows in data.items():
        if key:
            goal: Goal = titles[key]
            out += [f"### For {esc(goal.title)} ({code(goal.id)})", ""]
        else:
            out += ["### For no goal", ""]
        out += _idea_rows(rows)
    return out


def _costs(system: System) -> tuple[dict[str, float], dict[str, float]]:
    """A system's yearly and one-time costs by currency."""
    yearly: dict[str, float] = {}
    once: dict[str, float] = {}
    for c in system.costs:
        currency = c.amount.currency or ""
        if c.period == "once":
            once[currency] = once.get(currency, 0.0) + c.amount.value
        else:
            times = 12 if c.period == "month" else 1
            yearly[currency] = yearly.get(currency, 0.0) + c.amount.value * times
    return yearly, once


def _sum(rows: list[Row], key: str) -> dict[str, float]:
    total: dict[str, float] = {}
    for r in rows:
        amounts = r[key]
        assert isinstance(amounts, dict)
        for currency, value in amounts.items():
            total[currency] = total.get(currency, 0.0) + value
    return dict(sorted(total.items()))


def scale_data(crm_map: CrmMap) -> dict[str, object]:
    """Systems (users, licences, costs), entities (records, growth, projection), totals."""
    horizon = max((horizon_years(g) for g in crm_map.goals), default=DEFAULT_HORIZON_YEARS)
    systems: list[Row] = []
    for s in crm_map.systems:
        yearly, once = _costs(s)
        state = effective_lifecycle(crm_map, s)
        systems.append(
            {
                "id": s.id,
                "title": s.title,
                "state": state,
                "users": s.users,
                "licenses": s.licenses,
                "yearly_cost": yearly,
                "one_time_cost": once,
            }
        )
    entities: list[Row] = []
    for e in crm_map.entities:
        growth = e.growth.value if e.growth is not None else None
        projected = None
        if e.records is not None and growth is not None:
            projected = round(e.records * (1 + growth / 100) ** horizon)
        entities.append(
            {
                "id": e.key,
                "title": e.title,
                "state": effective_lifecycle(crm_map, e),
                "records": e.records,
                "growth_pct": growth,
                "projected": projected,
            }
        )
    plan = any(r["state"] != "current" for r in systems)
    return {
        "horizon_years": horizon,
        "systems": systems,
        "entities": entities,
        "yearly_cost": _sum(systems, "yearly_cost"),
        "one_time_cost": _sum(systems, "one_time_cost"),
        "as_is_yearly_cost": _sum([r for r in systems if r["state"] != "planned"], "yearly_cost")
        if plan
        else None,
        "to_be_yearly_cost": _sum([r for r in systems if r["state"] != "retiring"], "yearly_cost")
        if plan
        else None,
    }


def _amounts(amounts: object) -> str:
    assert isinstance(amounts, dict)
    return ", ".join(money(v, c) for c, v in sorted(amounts.items())) or "—"


def _count(value: object) -> str:
    return number(float(str(value))) if value is not None else "—"


def scale_section(data: dict[str, object]) -> list[str]:
    """`## Scale and cost`: systems, entities and the stack's total cost."""
    out = ["## Scale and cost", ""]
    systems, entities = data["systems"], data["entities"]
    assert isinstance(systems, list) and isinstance(entities, list)
    if not systems:
        return [*out, "The map has no systems.", ""]
    rows = []
    for r in systems:
        over = (
            isinstance(r["users"], int)
            and isinstance(r["licenses"], int)
            and r["users"] > r["licenses"]
        )
        rows.append(
            [
                f"{esc(str(r['title']))} ({code(str(r['id']))})" + _state(r),
                _count(r["users"]) + (" (**more than licensed**)" if over else ""),
                _count(r["licenses"]),
                _amounts(r["yearly_cost"]),
                _amounts(r["one_time_cost"]),
            ]
        )
    out += [*table(["System", "Users", "Licences", "Cost per year", "One-time"], rows), ""]
    total = _amounts(data["yearly_cost"])
    if total == "—" and _amounts(data["one_time_cost"]) == "—":
        out += ["No system says what it costs.", ""]
    else:
        out += [f"The stack costs {total} a year" + _once(data["one_time_cost"]) + ".", ""]
    if data["as_is_yearly_cost"] is not None:
        out += [
            f"As-is (without planned systems): {_amounts(data['as_is_yearly_cost'])} a year; "
            f"to-be (without retiring ones): {_amounts(data['to_be_yearly_cost'])} a year.",
            "",
        ]
    return out + _entity_rows(entities, float(str(data["horizon_years"])))


def _state(row: Row) -> str:
    """` · planned` or ` · retiring` after an element of the plan."""
    return "" if row["state"] == "current" else f" · {row['state']}"


def _once(amounts: object) -> str:
    shown = _amounts(amounts)
    return "" if shown == "—" else f", and {shown} once"


def _entity_rows(entities: list[Row], horizon: float) -> list[str]:
    counted = [r for r in entities if r["records"] is not None or r["growth_pct"] is not None]
    if not counted:
        return ["No entity says how many records it holds.", ""]
    span = f"{horizon:.1f}".removesuffix(".0")
    rows = [
        [
            f"{esc(str(r['title']))} ({code(str(r['id']))})" + _state(r),
            _count(r["records"]),
            f"{number(float(str(r['growth_pct'])))}% a year"
            if r["growth_pct"] is not None
            else "—",
            _count(r["projected"]),
        ]
        for r in counted
    ]
    head = ["Entity", "Records", "Growth", f"In {span} years"]
    return [*table(head, rows), ""]
