"""Returns: a goal (or a measurement) in; its money and its progress out.

The figures mean what docs/language.md ("The meaning of the figures") says:

- a money metric (a money baseline; a money target, or a signed percent target relative
  to the baseline) is worth, per year, the size of its change from baseline to target
  times its `margin` (100% when left out): a rise in revenue and a fall in cost both
  count, so `baseline 500_000 USD target -20%` is worth 100,000 USD a year. A goal's
  yearly value is the sum of its money metrics;
- over the horizon H (years; `horizon`, 3y when left out) the cost is yearly cost × H
  plus the one-time costs, and the **return** is (value × H − cost) / cost, in percent
  (with no one-time cost this is the yearly return (value − yearly cost) / yearly cost);
- **payback** is the one-time costs divided by the monthly net value (value − yearly
  cost) / 12, in months: `PAYBACK_NEVER` (infinity) when the value does not exceed the
  yearly cost, and None without one-time costs;
- **realised value**, where money metrics have an `actual`: the change from baseline to
  actual in the direction of the target (negative if it moved the wrong way), times the
  margin;
- currencies are never mixed: a goal whose money is in two currencies has no figures,
  only a `problem` that says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from crmdsl.model import DURATION_MINUTES, Cost, Goal, Metric, Quantity

__all__ = [
    "DEFAULT_HORIZON_YEARS",
    "PAYBACK_NEVER",
    "GoalReturn",
    "MoneyMetric",
    "goal_return",
    "horizon_years",
    "money_metric",
    "progress",
    "resolve_value",
]

#: The horizon of a goal without `horizon`, in years.
DEFAULT_HORIZON_YEARS = 3.0
#: `GoalReturn.payback_months` when the value never pays the one-time costs back.
PAYBACK_NEVER = math.inf

_MINUTES_PER_YEAR = DURATION_MINUTES["y"]


@dataclass(frozen=True, slots=True)
class MoneyMetric:
    """A money metric's worth per year: planned (`value`) and, with an actual, `realised`."""

    currency: str
    change: float
    value: float
    realised: float | None


@dataclass(frozen=True, slots=True)
class GoalReturn:
    """A goal's money over its horizon, or why there is none (`problem`).

    `currency` is None when the goal has no money at all or mixes currencies.
    `yearly_value` is None without a money metric. `return_pct` is None when the cost over
    the horizon is zero (or there is no value). `payback_months` is None without one-time
    costs and `PAYBACK_NEVER` (infinity) when value ≤ yearly cost. `realised_value` is None
    when no money metric has an `actual` (measured by `today`).
    """

    currency: str | None
    yearly_value: float | None
    yearly_cost: float
    one_time_cost: float
    horizon_years: float
    return_pct: float | None
    payback_months: float | None
    realised_value: float | None
    problem: str = ""


def resolve_value(baseline: Quantity | None, value: Quantity | None) -> float | None:
    """A target or an actual as a number: a signed percent applies to the baseline.

    None when it cannot be compared with the baseline (another unit or currency).
    """
    if value is None:
        return None
    if value.kind == "percent" and value.signed and baseline is not None:
        return baseline.value * (1 + value.value / 100)
    if baseline is not None and (
        value.kind != baseline.kind or value.currency != baseline.currency
    ):
        return None
    return value.value


def progress(
    baseline: Quantity | None, target: Quantity | None, actual: Quantity | None
) -> float | None:
    """The share of the way from baseline to target that the actual has gone (1.0: there).

    Negative when it moved away from the target; None when a value is missing, cannot be
    compared, or the target equals the baseline.
    """
    if baseline is None:
        return None
    goal, now = resolve_value(baseline, target), resolve_value(baseline, actual)
    if goal is None or now is None or goal == baseline.value:
        return None
    return (now - baseline.value) / (goal - baseline.value)


def _margin(metric: Metric) -> float:
    return metric.margin.value / 100 if metric.margin is not None else 1.0


def money_metric(metric: Metric, today: dt.date | None = None) -> MoneyMetric | None:
    """A metric's money per year, or None when it is not a money metric.

    An actual counts when it is money of the same currency or a signed percent, and was
    measured by `today` (every actual counts when `today` is None).
    """
    base = metric.baseline
    if base is None or base.kind != "money" or base.currency is None:
        return None
    if metric.target is None or not (
        (metric.target.kind == "percent" and metric.target.signed) or metric.target.kind == "money"
    ):
        return None
    goal = resolve_value(base, metric.target)
    if goal is None:
        return None
    change = goal - base.value
    margin = _margin(metric)
    realised = None
    now = resolve_value(base, metric.actual)
    counted = today is None or metric.as_of is None or metric.as_of <= today
    if now is not None and counted:
        realised = (now - base.value) * math.copysign(1.0, change) * margin if change else 0.0
    return MoneyMetric(base.currency, change, abs(change) * margin, realised)


def _currencies(goal: Goal) -> set[str]:
    """Every currency the goal's money is written in."""
    found: set[str] = set()
    for metric in goal.metrics:
        for q in (metric.baseline, metric.target, metric.actual):
            if q is not None and q.kind == "money" and q.currency:
                found.add(q.currency)
    found.update(c.amount.currency for c in goal.costs if c.amount.currency)
    return found


def _costs(costs: list[Cost]) -> tuple[float, float]:
    """Yearly cost (a month counts twelve times) and one-time cost."""
    yearly = sum(
        c.amount.value * (12 if c.period == "month" else 1) for c in costs if c.period != "once"
    )
    once = sum(c.amount.value for c in costs if c.period == "once")
    return float(yearly), float(once)


def horizon_years(goal: Goal) -> float:
    """The goal's horizon in years (`DEFAULT_HORIZON_YEARS` when left out)."""
    if goal.horizon is None:
        return DEFAULT_HORIZON_YEARS
    return goal.horizon.minutes / _MINUTES_PER_YEAR


def goal_return(goal: Goal, today: dt.date | None = None) -> GoalReturn:
    """A goal's yearly value, costs, return over its horizon, payback and realised value.

    `today` leaves out actuals measured after it (None: every actual counts).
    """
    years = horizon_years(goal)
    currencies = sorted(_currencies(goal))
    if len(currencies) > 1:
        problem = (
            f"its money is in {' and '.join(currencies)}, and currencies are never mixed, "
            "so no return is computed"
        )
        return GoalReturn(None, None, 0.0, 0.0, years, None, None, None, problem)
    yearly_cost, once = _costs(goal.costs)
    metrics = [x for x in (money_metric(m, today) for m in goal.metrics) if x is not None]
    currency = currencies[0] if currencies else None
    if not metrics:
        problem = (
            "no metric has a money baseline and a money or signed-percent target, so no return"
        )
        return GoalReturn(currency, None, yearly_cost, once, years, None, None, None, problem)
    value = sum(x.value for x in metrics)
    realised_parts = [x.realised for x in metrics if x.realised is not None]
    realised = sum(realised_parts) if realised_parts else None
    cost = yearly_cost * years + once
    problem = "" if cost else "it has no cost, so no return"
    ret = (value * years - cost) / cost * 100 if cost else None
    payback = None
    if once:
        net = value - yearly_cost
        payback = once / (net / 12) if net > 0 else PAYBACK_NEVER
    return GoalReturn(currency, value, yearly_cost, once, years, ret, payback, realised, problem)
