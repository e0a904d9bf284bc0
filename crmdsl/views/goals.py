"""The goals view: a goal's metrics against their targets, as a Mermaid `xychart-beta`.

In: a resolved map and a chart subject. Out: an `XySpec` with one bar per value: each
metric's `baseline`, `actual` and `target` (in that order, those it has), named
`NAME baseline`, `NAME actual`, `NAME target` on the x-axis, titled with the goal.

- A signed percent target or actual (`target -20%`) is applied to the baseline, so the
  bar shows the level it means (`baseline 500_000 USD target -20%`: a 400,000 USD bar).
- Values are compared only in one unit: money in one currency, percentages, plain
  numbers, durations (in days). A goal whose metrics come in several units has one
  chart per unit, its subject `GOAL.UNIT` (`cut_cost.USD`, `cut_cost.percent`); a goal
  in one unit has one chart, its subject the goal's id.
- The y-axis starts at zero (a bar from anywhere else misleads), and ends at a round
  number above the largest value.
- A goal without a metric value to draw has no chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmdsl.model import DURATION_MINUTES, CrmMap, Goal, Metric, Quantity
from crmdsl.views.common import ViewError, XySeries, XySpec, choices
from crmdsl.views.xychart import nice_range

__all__ = ["GoalChart", "goal_chart", "goal_charts", "goals_view", "unit_key"]

_DAY = DURATION_MINUTES["d"]
_BAR_COLOR = "#90cdf4"
_UNIT_WORDS = {"percent": "%", "number": "value", "days": "days"}


@dataclass(frozen=True, slots=True)
class GoalChart:
    """One chart: its subject id, its goal, its unit, and (name, values) per metric."""

    subject: str
    goal: Goal
    unit: str
    metrics: list[tuple[Metric, list[tuple[str, float]]]]

    @property
    def title(self) -> str:
        """The goal's label, with the unit when the goal has several charts."""
        name = self.goal.title or self.goal.id
        return (
            name
            if self.subject == self.goal.id
            else f"{name} ({_UNIT_WORDS.get(self.unit, self.unit)})"
        )


def unit_key(q: Quantity) -> str | None:
    """What a value is measured in: a currency, `percent`, `number`, `days`; None for a change."""
    if q.kind == "percent":
        return None if q.signed else "percent"
    if q.kind == "money":
        return q.currency
    if q.kind == "duration":
        return "days"
    return q.unit or "number"


def _level(q: Quantity) -> float:
    """A value in its unit's terms (a duration in days)."""
    if q.kind == "duration":
        return q.value * DURATION_MINUTES.get(q.unit or "m", 1) / _DAY
    return q.value


def _values(metric: Metric) -> tuple[str | None, list[tuple[str, float]]]:
    """The metric's unit and its (`baseline`|`actual`|`target`, value) in that order."""
    base = metric.baseline
    unit = unit_key(base) if base is not None else None
    if unit is None:
        for q in (metric.target, metric.actual):
            if q is not None and unit_key(q) is not None:
                unit = unit_key(q)
                break
    if unit is None:
        return None, []
    out: list[tuple[str, float]] = []
    for word, q in (("baseline", base), ("actual", metric.actual), ("target", metric.target)):
        if q is None:
            continue
        if unit_key(q) == unit:
            out.append((word, _level(q)))
        elif q.kind == "percent" and q.signed and base is not None and unit_key(base) == unit:
            out.append((word, _level(base) * (1 + q.value / 100)))
    return unit, out


def goal_charts(crm_map: CrmMap) -> list[GoalChart]:
    """Every chart of the goals view, goal by goal, units in the order metrics name them."""
    charts: list[GoalChart] = []
    for goal in crm_map.goals:
        groups: dict[str, list[tuple[Metric, list[tuple[str, float]]]]] = {}
        for metric in goal.metrics:
            unit, values = _values(metric)
            if unit is not None and values:
                groups.setdefault(unit, []).append((metric, values))
        for unit, metrics in groups.items():
            subject = goal.id if len(groups) == 1 else f"{goal.id}.{unit}"
            charts.append(GoalChart(subject, goal, unit, metrics))
    return charts


def goal_chart(crm_map: CrmMap, subject: str | None) -> GoalChart:
    """The chart a subject names (the only one when None), or a `ViewError`."""
    charts = goal_charts(crm_map)
    known = [c.subject for c in charts]
    if subject is None:
        if len(charts) == 1:
            return charts[0]
        raise ViewError(f"the goals view needs --id GOAL ({choices(known)})")
    for chart in charts:
        if chart.subject == subject:
            return chart
    several = [c.subject for c in charts if c.goal.id == subject]
    if several:
        raise ViewError(
            f"goal `{subject}` has metrics in several units, one chart each: "
            f"--id {' or --id '.join(several)}"
        )
    if any(g.id == subject for g in crm_map.goals):
        raise ViewError(f"goal `{subject}` has no metric value to chart")
    raise ViewError(f"no goal chart `{subject}` in this map (one of: {choices(known)})")


def goals_view(crm_map: CrmMap, chart: GoalChart) -> XySpec:
    """One bar per baseline, actual and target of the chart's metrics."""
    categories: list[str] = []
    values: list[float] = []
    for metric, points in chart.metrics:
        for word, value in points:
            categories.append(f"{metric.name} {word}")
            values.append(value)
    return XySpec(
        title=chart.title,
        categories=categories,
        y_label=_UNIT_WORDS.get(chart.unit, chart.unit),
        y_range=nice_range(values),
        series=[XySeries("bar", "", values)],
        labels=[chart.title, *categories],
        colors=[_BAR_COLOR],
    )
