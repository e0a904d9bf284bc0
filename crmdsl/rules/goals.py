"""Rules G501–G505: goals — measurable, dated, supported and costed.

In: a `RuleContext`. Out: `Hit`s on the `goal` keyword, or on the `metric` keyword for
G502 and G503.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.rules.places import and_list, keyword_span, quoted
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
