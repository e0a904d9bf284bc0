"""Rules G501–G509: goals — measurable, dated, supported, costed, on track and worth it.

In: a `RuleContext`. Out: `Hit`s on the `goal` keyword, on the `metric` keyword for G502
and G503, or on the `actual` (G506, G507) or `as-of` (G507) clause of a metric or KPI.
The return (G508) and progress (G506) are `crmdsl.query.returns`'.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.model import CrmMap, Kpi, Metric, Quantity
from crmdsl.query.returns import goal_return, money_metric, progress, resolve_value
from crmdsl.rules.map import add_months
from crmdsl.rules.places import and_list, clause_span, keyword_span, plural, quoted
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__: list[str] = []


@rule("G501", "goal-no-metric", "warning")
def goal_no_metric(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a goal with no `metric`.

    Why it matters: a goal nobody measures cannot be reached, missed or learned from.
    The metric is what turns "better onboarding" into something the map's processes and
    touchpoints can be judged against.

    Example:
        goal grow "Increase SMB sales" owner sales
    Fix:
        goal grow "Increase SMB sales" owner sales
          metric revenue baseline 1_000_000 USD target +10% by 2027-06-30
    """
    for goal in ctx.map.goals:
        if not goal.metrics:
            yield Hit(
                keyword_span(goal),
                f"goal `{goal.id}` has no metric",
                hint="add `metric NAME baseline VALUE target VALUE by DATE`",
            )


_PARTS = ("baseline", "target", "by")


@rule("G502", "goal-not-smart", "warning")
def goal_not_smart(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a metric that lacks its `baseline`, `target` or `by` date.

    Why it matters: a goal is SMART when it says where you start, where you want to be
    and by when. Without a baseline no progress can be shown; without a target nobody
    knows when it is met; without a date it never falls due. One finding per metric names
    every missing part.

    Example:
        metric refund_days baseline 10 target 5
    Fix:
        metric refund_days baseline 10 target 5 by 2027-09-30
    """
    for goal in ctx.map.goals:
        for metric in goal.metrics:
            missing = [part for part in _PARTS if getattr(metric, part) is None]
            if missing:
                yield Hit(
                    keyword_span(metric),
                    f"metric `{metric.name}` of goal `{goal.id}` has no "
                    f"{and_list(quoted(missing))}",
                    hint="a metric says where you start (`baseline`), where you aim (`target`) "
                    "and by when (`by DATE`)",
                )


@rule("G503", "goal-past-due", "info")
def goal_past_due(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a metric whose `by` date is before today.

    Why it matters: once the date has passed, the goal is either met, missed or moved,
    and the map should say which. A stale target keeps processes and integrations
    justified by a goal the business has already closed.

    Example:
        metric revenue baseline 1_000_000 USD target +10% by 2025-06-30
    Fix:
        metric revenue baseline 1_100_000 USD target +10% by 2027-06-30
    """
    for goal in ctx.map.goals:
        for metric in goal.metrics:
            if metric.by is not None and metric.by < ctx.today:
                yield Hit(
                    keyword_span(metric),
                    f"metric `{metric.name}` of goal `{goal.id}` was due on "
                    f"{metric.by.isoformat()}",
                    hint="record the result and set the next target, or retire the goal",
                )


@rule("G504", "goal-no-support", "warning")
def goal_no_support(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a goal with no `supported-by` (no journey, process or integration).

    Why it matters: the point of tying goals into the CRM map is to show which touchpoints,
    processes and integrations move them. A goal supported by nothing in the map is a
    wish: nobody can tell which change is meant to reach it.

    Example:
        goal grow "Increase SMB sales by 10%" owner sales
          metric revenue baseline 1_000_000 USD target +10% by 2027-06-30
    Fix:
        goal grow "Increase SMB sales by 10%" owner sales
          metric revenue baseline 1_000_000 USD target +10% by 2027-06-30
          supported-by onboarding.demo, lead_to_cash
    """
    for goal in ctx.map.goals:
        if not goal.supported_by:
            yield Hit(
                keyword_span(goal),
                f"goal `{goal.id}` is supported by nothing in the map",
                hint="add `supported-by` with the touchpoints, processes or integrations "
                "that move it",
            )


@rule("G505", "goal-no-cost", "info")
def goal_no_cost(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a goal with no `cost`.

    Why it matters: without what the goal costs (tools, people, agencies), its return on
    investment cannot be shown, and it cannot be weighed against the other goals
    competing for the same budget.

    Example:
        goal grow "Increase SMB sales by 10%" owner sales
    Fix:
        goal grow "Increase SMB sales by 10%" owner sales
          cost 40_000 USD per year
    """
    for goal in ctx.map.goals:
        if not goal.costs:
            yield Hit(
                keyword_span(goal),
                f"goal `{goal.id}` has no cost, so its return cannot be shown",
                hint="add `cost AMOUNT CURRENCY per year` (or `per month`, `once`)",
            )


def _measured(mp: CrmMap) -> Iterator[tuple[str, Metric | Kpi]]:
    """Every metric and KPI, with how a message names it."""
    for goal in mp.goals:
        for metric in goal.metrics:
            yield f"metric `{metric.name}` of goal `{goal.id}`", metric
    for journey in mp.journeys:
        for stage in journey.stages:
            for tp in stage.touchpoints:
                for kpi in tp.kpis:
                    yield f'KPI "{kpi.name}" of touchpoint `{tp.id}`', kpi


def _way(share: float) -> str:
    return f"{share * 100:.0f}% of the way"


def _shown(baseline: Quantity | None, value: Quantity | None) -> str:
    """A value as written; a signed percent also as what it comes to (`-5% (475,000 USD)`)."""
    if value is None:
        return "none"
    worth = resolve_value(baseline, value)
    if value.kind != "percent" or not value.signed or worth is None or baseline is None:
        return value.text
    unit = (
        f" {baseline.currency}"
        if baseline.currency
        else ("%" if baseline.kind == "percent" else "")
    )
    return f"{value.text} ({worth:,.{0 if worth.is_integer() or abs(worth) >= 100 else 1}f}{unit})"


@rule("G506", "off-track", "warning")
def off_track(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a metric or KPI whose `actual` moved away from its target, or fell short by its `by` date.

    It reads metrics and KPIs with a `baseline`, a `target` and an `actual`; a signed
    percent target or actual (`-20%`) is relative to the baseline.

    Why it matters: the plan said where the figure would go; the measurement says where
    it went. Moving the wrong way, or running out of time before reaching the target,
    means the work behind it is not working, and the sooner the map says so the sooner
    the plan can change.

    Example:
        metric handle_time baseline 12 target 8 actual 14 as-of 2026-10-31 by 2027-06-30
    Fix:
        metric handle_time baseline 12 target 8 actual 10 as-of 2026-10-31 by 2027-06-30
    """
    for name, measure in _measured(ctx.map):
        share = progress(measure.baseline, measure.target, measure.actual)
        if share is None or measure.actual is None:
            continue
        by = getattr(measure, "by", None)
        if share < 0:
            message = f"{name} has moved away from its target"
        elif by is not None and by < ctx.today and share < 1:
            message = f"{name} was due on {by.isoformat()} and is {_way(share)}"
        else:
            continue
        yield Hit(
            clause_span(measure, "actual"),
            f"{message}: {measure.baseline} → {_shown(measure.baseline, measure.actual)}, "
            f"target {_shown(measure.baseline, measure.target)}",
            hint="change what is done to move it, or set a target and date you can reach",
        )


@rule("G507", "measurement-stale", "info")
def measurement_stale(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an `actual` with no `as-of` date, or one older than `max-measurement-age`.

    The limit is `max-measurement-age` months, 6 by default.

    Why it matters: a measured value is only as good as its date. Without one, nobody can
    tell whether 85% is this quarter's figure or last year's; an old one judges today's
    plan by yesterday's world.

    Example:
        kpi "WISMO one-touch resolution" baseline 60% target 85% actual 71%
    Fix:
        kpi "WISMO one-touch resolution" baseline 60% target 85% actual 71% as-of 2026-10-31
    """
    limit = ctx.max_measurement_age
    for name, measure in _measured(ctx.map):
        if measure.actual is None:
            continue
        if measure.as_of is None:
            yield Hit(
                clause_span(measure, "actual"),
                f"the actual of {name} has no `as-of` date",
                hint="add `as-of DATE`: when it was measured",
            )
        elif add_months(measure.as_of, limit) < ctx.today:
            yield Hit(
                clause_span(measure, "as-of"),
                f"the actual of {name} was measured on {measure.as_of.isoformat()}, "
                f"more than {plural(limit, 'month')} ago",
                hint="measure it again and update `actual` and `as-of`",
            )


def _money(value: float, currency: str | None) -> str:
    return f"{value:,.0f} {currency or ''}".rstrip()


@rule("G508", "negative-return", "warning")
def negative_return(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a goal whose return over its horizon is below 0%.

    The return is (yearly value × horizon − cost) / cost, where the cost is the yearly
    costs over the horizon plus the one-time costs (docs/language.md, "The meaning of the
    figures"); the horizon is `horizon`, 3 years when left out.

    Why it matters: a goal that costs more than it brings, over the time it is given, is
    a loss the business signs up for. That may be a choice (a compliance goal), but it
    should be a visible one: raise the value, cut the cost, lengthen the horizon, or say
    why it is worth it anyway.

    Example:
        goal service "Cut the cost of service" horizon 1y
          metric service_cost baseline 500_000 USD target -5%
          cost 60_000 USD once
    Fix:
        goal service "Cut the cost of service" horizon 3y
          metric service_cost baseline 500_000 USD target -5%
          cost 60_000 USD once
    """
    for goal in ctx.map.goals:
        r = goal_return(goal, ctx.today)
        if r.return_pct is None or r.return_pct >= 0:
            continue
        years = f"{r.horizon_years:g} year" + ("" if r.horizon_years == 1 else "s")
        cost = r.yearly_cost * r.horizon_years + r.one_time_cost
        yield Hit(
            keyword_span(goal),
            f"goal `{goal.id}` returns {r.return_pct:.0f}% over {years}: "
            f"{_money((r.yearly_value or 0.0) * r.horizon_years, r.currency)} of value "
            f"against {_money(cost, r.currency)} of cost",
            hint="raise the value, cut the cost or lengthen the `horizon`, or say why it is "
            "worth it",
        )


@rule("G509", "money-metrics-added", "info")
def money_metrics_added(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a goal whose return adds up two or more money metrics.

    Why it matters: a goal's yearly value is the sum of its money metrics. When two of
    them measure the same money (more revenue per order and more revenue per customer, a
    lower cost per ticket and fewer tickets), the sum counts it twice and the return looks
    better than it is. Check that they do not overlap.

    Example:
        goal grow "Grow repeat sales"
          metric repeat_revenue baseline 2_000_000 USD target +10%
          metric order_value baseline 1_500_000 USD target +5%
    Fix:
        goal grow "Grow repeat sales"
          metric repeat_revenue baseline 2_000_000 USD target +10%
          metric order_value baseline 60 target 63
    """
    for goal in ctx.map.goals:
        names = [mt.name for mt in goal.metrics if money_metric(mt) is not None]
        if len(names) >= 2:
            yield Hit(
                keyword_span(goal),
                f"goal `{goal.id}` adds up {plural(len(names), 'money metric')} "
                f"({and_list(quoted(names))}) into its value",
                hint="check they do not count the same money twice",
            )
