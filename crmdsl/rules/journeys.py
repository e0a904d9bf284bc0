"""Rules J101–J110: journeys, their stages and touchpoints, as the customer meets them.

In: a `RuleContext`. Out: `Hit`s on the `journey`, `stage`, `touchpoint` or `idea` keyword
of the statement concerned (J109: on the touchpoint's `score`).
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.rules.places import clause_span, keyword_span
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__: list[str] = []


@rule("J101", "journey-no-persona", "warning")
def journey_no_persona(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a journey that names no `persona`.

    Why it matters: a journey map is drawn from one kind of customer's point of view. An
    enterprise buyer and a self-serve trial user meet the same touchpoints very
    differently; without a persona the scores, pains and moments of truth have no one
    they belong to, and the journey cannot be checked against what that customer needs.

    Example:
        journey onboarding "SMB onboarding" owner marketing
    Fix:
        journey onboarding "SMB onboarding" persona smb owner marketing
    """
    for journey in ctx.map.journeys:
        if journey.persona is None:
            yield Hit(
                keyword_span(journey),
                f"journey `{journey.id}` names no persona",
                hint="add `persona ID`: whose journey this is",
            )


@rule("J102", "stage-empty", "warning")
def stage_empty(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a stage that has no touchpoints.

    Why it matters: a stage is where the customer does something and meets the company.
    An empty stage is a gap in the map: either the customer is left alone there (a real
    gap in the experience) or the touchpoints were never mapped (a gap in the discovery).
    Both are worth a conversation.

    Example:
        stage advocate "Refer a friend"
    Fix:
        stage advocate "Refer a friend"
          touchpoint referral "Referral email" channel email score 3 owner crm
    """
    for journey in ctx.map.journeys:
        for stage in journey.stages:
            if not stage.touchpoints:
                yield Hit(
                    keyword_span(stage),
                    f"stage `{stage.id}` of journey `{journey.id}` has no touchpoints",
                    hint="add the touchpoints where the customer meets you in this stage",
                )


@rule("J103", "touchpoint-no-channel", "warning")
def touchpoint_no_channel(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a touchpoint with no `channel`.

    Why it matters: the channel says where the moment happens (web, phone, email, in
    person) and so which team, system and data can be involved. Channel mix is one of the
    first things a journey review looks at; a touchpoint without one falls out of it.

    Example:
        touchpoint demo "Sales demo" score 5 owner sales
    Fix:
        touchpoint demo "Sales demo" channel phone score 5 owner sales
    """
    for journey, _, tp in ctx.index.touchpoints:
        if tp.channel is None:
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` of journey `{journey.id}` has no channel",
                hint="add `channel C`, such as web, email or phone",
            )


@rule("J104", "touchpoint-no-score", "info")
def touchpoint_no_score(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a touchpoint with no `score` (how the customer feels, 1 to 5).

    Why it matters: the emotional curve of a journey is what shows where to invest. The
    lowest moments are where customers churn or call support; without scores nobody can
    say which touchpoint hurts most, and improvements cannot be compared over time.

    Example:
        touchpoint checkout "Checkout" channel web owner ecom
    Fix:
        touchpoint checkout "Checkout" channel web score 4 owner ecom
    """
    for journey, _, tp in ctx.index.touchpoints:
        if tp.score is None:
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` of journey `{journey.id}` has no score",
                hint="add `score 1..5`: how the customer feels here (1 is bad, 5 is great)",
            )


@rule("J105", "low-score-no-idea", "warning")
def low_score_no_idea(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a touchpoint scored 1 or 2 that has no `idea` for improving it.

    Why it matters: a low score marks a pain point, the place where customers are lost.
    Mapping the pain without an idea leaves the analysis half done: the map should say
    what the company intends to try, so the pain shows up in planning, not only in the
    diagram.

    Example:
        touchpoint ticket "Support ticket" channel email score 2 owner service
          pain "Has to repeat the order number"
    Fix:
        touchpoint ticket "Support ticket" channel email score 2 owner service
          pain "Has to repeat the order number"
          idea "Pre-fill the order from the customer's email address"
    """
    for _, _, tp in ctx.index.touchpoints:
        if tp.score is not None and tp.score <= 2 and not tp.ideas:
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` scores {tp.score} and has no idea for improving it",
                hint='add `idea "…"`: what you will try to lift this moment',
            )


@rule("J106", "moment-of-truth-no-kpi", "warning")
def moment_of_truth_no_kpi(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `moment-of-truth` touchpoint with no `kpi`.

    Why it matters: a moment of truth is where the customer decides to stay or leave (the
    demo, the first invoice, the first support answer). If it matters that much it must
    be measured; without a KPI and a target nobody notices when it gets worse.

    Example:
        touchpoint demo "Sales demo" channel phone score 5 owner sales moment-of-truth
    Fix:
        touchpoint demo "Sales demo" channel phone score 5 owner sales moment-of-truth
          kpi "Demo-to-close rate" target 25%
    """
    for _, _, tp in ctx.index.touchpoints:
        if tp.moment_of_truth and not tp.kpis:
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` is a moment of truth but has no KPI",
                hint='add `kpi "Name" target VALUE`: how you know it goes well',
            )


@rule("J107", "moment-of-truth-no-owner", "warning")
def moment_of_truth_no_owner(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `moment-of-truth` touchpoint with no `owner`.

    Why it matters: the moments that decide whether a customer stays need one team that
    answers for them. Shared by everyone, a moment of truth is improved by no one.

    Example:
        touchpoint demo "Sales demo" channel phone score 5 moment-of-truth
    Fix:
        touchpoint demo "Sales demo" channel phone score 5 owner sales moment-of-truth
    """
    for _, _, tp in ctx.index.touchpoints:
        if tp.moment_of_truth and tp.owner is None:
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` is a moment of truth but has no owner",
                hint="add `owner TEAM`: the team that answers for this moment",
            )


@rule("J108", "captures-without-system", "warning")
def captures_without_system(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a touchpoint that `captures` fields but names no `system`.

    Why it matters: data captured at a touchpoint is typed into some tool: a form, a
    phone script, a chat widget. If the map does not say which, nobody can tell where the
    customer's data first lands, whether that tool is allowed to hold it, or how it gets
    to the system of record.

    Example:
        touchpoint webinar "Product webinar" channel web score 4 owner marketing
          captures hubspot.Contact.email
    Fix:
        touchpoint webinar "Product webinar" channel web score 4 owner marketing system hubspot
          captures hubspot.Contact.email
    """
    for _, _, tp in ctx.index.touchpoints:
        if tp.captures and tp.system is None:
            systems = sorted({ref.text.split(".", 1)[0] for ref in tp.captures})
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` captures data but names no system",
                hint=f"add `system {systems[0]}` (the tool the data is entered into)",
            )


@rule("J109", "score-without-evidence", "info")
def score_without_evidence(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a touchpoint that has a `score` and no `evidence`.

    It applies once the map records `evidence` for at least one touchpoint: a map that
    records none is still a workshop draft, where every score is a guess alike.

    Why it matters: a score is a claim about how customers feel. Written down from a
    workshop it is a guess; backed by a survey, interviews or ticket data it is a finding.
    `evidence "NPS survey Q3 2026, n=412"` lets a reader weigh the score, and tells the
    next review where to measure again.

    Example:
        touchpoint ticket "Support ticket" channel email score 2 owner service
    Fix:
        touchpoint ticket "Support ticket" channel email score 2 owner service
          evidence "CSAT of 1,240 tickets, Q3 2026"
    """
    touchpoints = [tp for _, _, tp in ctx.index.touchpoints]
    if not any(tp.evidence for tp in touchpoints):
        return
    for tp in touchpoints:
        if tp.score is not None and not tp.evidence:
            yield Hit(
                clause_span(tp, "score"),
                f"touchpoint `{tp.id}` scores {tp.score} with no evidence for it",
                hint='add `evidence "…"`: the survey, interviews or data the score comes from',
            )


@rule("J110", "idea-doing-no-owner", "warning")
def idea_doing_no_owner(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an idea with `status doing` that has no `owner`.

    Why it matters: an idea in progress that nobody owns is work nobody answers for. The
    backlog can only be steered (chased, dropped, finished) when every idea being worked
    on names the team doing it.

    Example:
        idea "Pre-fill the order from the customer's email address" status doing
    Fix:
        idea "Pre-fill the order from the customer's email address" status doing owner service
    """
    for _, _, tp in ctx.index.touchpoints:
        for idea in tp.ideas:
            if idea.status == "doing" and idea.owner is None:
                yield Hit(
                    keyword_span(idea),
                    f'the idea "{idea.text}" of touchpoint `{tp.id}` is being done, but by nobody',
                    hint="add `owner TEAM`: the team doing it",
                )
