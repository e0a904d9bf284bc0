"""The journey part of `crmdsl report`: a map's journeys in, Markdown lines out.

Per journey: each stage's average score (unscored touchpoints left out, and said so)
and its worst moment; each touchpoint's score; then across the map the lowest moments,
the pains with and without ideas, and the moments of truth with their KPIs.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Journey, Stage, Touchpoint
from crmdsl.reporting.markdown import code, esc, plural, quantity, table

__all__ = ["journey_section"]

LOWEST = 3  # how many of the lowest-scored moments the report names


def _average(touchpoints: list[Touchpoint]) -> float | None:
    scores = [t.score for t in touchpoints if t.score is not None]
    return sum(scores) / len(scores) if scores else None


def _avg_text(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "no score"


def _tp_name(journey: Journey, t: Touchpoint) -> str:
    return f"{esc(t.title)} ({code(journey.id + '.' + t.id)})"


def _stage_rows(journey: Journey) -> tuple[list[list[str]], list[str]]:
    rows: list[list[str]] = []
    unscored: list[str] = []
    for stage in journey.stages:
        avg = _average(stage.touchpoints)
        scored = [t for t in stage.touchpoints if t.score is not None]
        worst = min(scored, key=lambda t: t.score or 0) if scored else None
        unscored += [code(f"{journey.id}.{t.id}") for t in stage.touchpoints if t.score is None]
        rows.append(
            [
                esc(stage.title),
                str(len(stage.touchpoints)),
                _avg_text(avg),
                f"{esc(worst.title)} ({worst.score})" if worst is not None else "—",
            ]
        )
    return rows, unscored


def _channel(crm_map: CrmMap, t: Touchpoint) -> str:
    if t.channel is None:
        return "—"
    found = crm_map.channel(t.channel.text)
    return esc(found.title) if found is not None else code(t.channel.text)


def _touchpoint_rows(crm_map: CrmMap, journey: Journey) -> list[list[str]]:
    rows = []
    for stage in journey.stages:
        for t in stage.touchpoints:
            rows.append(
                [
                    esc(stage.title),
                    _tp_name(journey, t),
                    _channel(crm_map, t),
                    str(t.score) if t.score is not None else "—",
                    code(t.owner.text) if t.owner else "—",
                    "yes" if t.moment_of_truth else "",
                ]
            )
    return rows


def _all(crm_map: CrmMap) -> list[tuple[Journey, Stage, Touchpoint]]:
    return [(j, s, t) for j in crm_map.journeys for s in j.stages for t in s.touchpoints]


def journey_section(crm_map: CrmMap) -> list[str]:
    """`## Journey health` and everything under it."""
    out = ["## Journey health", ""]
    if not crm_map.journeys:
        return [*out, "The map has no journeys.", ""]
    every = _all(crm_map)
    overall = _average([t for _, _, t in every])
    scored = sum(1 for _, _, t in every if t.score is not None)
    out += [
        f"{plural(len(crm_map.journeys), 'journey')}, {plural(len(every), 'touchpoint')}, "
        f"{scored} scored (1 = painful, 5 = delightful); average score {_avg_text(overall)}.",
        "",
    ]
    for journey in crm_map.journeys:
        who = []
        if journey.persona is not None:
            persona = crm_map.lookup(journey.persona.target or "")
            who.append(
                f"persona {esc(persona.title) if persona is not None else code(journey.persona.text)}"
            )
        if journey.owner is not None:
            who.append(f"owner {code(journey.owner.text)}")
        tail = f" ({', '.join(who)})" if who else ""
        out += [f"### {esc(journey.title)}{tail}", ""]
        rows, unscored = _stage_rows(journey)
        out += table(["Stage", "Touchpoints", "Average score", "Lowest moment"], rows)
        out.append("")
        if unscored:
            out += [
                f"Left out of the averages, having no score: {', '.join(unscored)}.",
                "",
            ]
        out += table(
            ["Stage", "Touchpoint", "Channel", "Score", "Owner", "Moment of truth"],
            _touchpoint_rows(crm_map, journey),
        )
        out.append("")
    out += _lowest(every)
    out += _pains(every)
    out += _moments_of_truth(crm_map, every)
    return out


def _lowest(every: list[tuple[Journey, Stage, Touchpoint]]) -> list[str]:
    scored = [(j, s, t) for j, s, t in every if t.score is not None]
    if not scored:
        return []
    ranked = sorted(enumerate(scored), key=lambda item: (item[1][2].score or 0, item[0]))
    out = ["### Lowest moments", ""]
    rows = []
    for _, (j, s, t) in ranked[:LOWEST]:
        pains = "; ".join(esc(p) for p in t.pains) or "—"
        ideas = "; ".join(esc(i.text) for i in t.ideas)
        if not ideas:
            ideas = "**no idea yet**" if t.pains or (t.score or 5) <= 2 else "—"
        rows.append([_tp_name(j, t), esc(s.title), str(t.score), pains, ideas])
    out += table(["Touchpoint", "Stage", "Score", "Pains", "Ideas"], rows)
    return [*out, ""]


def _pains(every: list[tuple[Journey, Stage, Touchpoint]]) -> list[str]:
    with_idea = [(j, t) for j, _, t in every if t.pains and t.ideas]
    without = [(j, t) for j, _, t in every if t.pains and not t.ideas]
    out = ["### Pains", ""]
    if not with_idea and not without:
        return [*out, "No touchpoint names a pain.", ""]
    if without:
        out += [f"Without an idea yet ({len(without)}):", ""]
        for j, t in without:
            score = f", score {t.score}" if t.score is not None else ""
            out.append(f"- {_tp_name(j, t)}{score}: " + "; ".join(esc(p) for p in t.pains))
        out.append("")
    if with_idea:
        out += [f"With an idea ({len(with_idea)}):", ""]
        for j, t in with_idea:
            pains = "; ".join(esc(p) for p in t.pains)
            ideas = "; ".join(esc(i.text) for i in t.ideas)
            out.append(f"- {_tp_name(j, t)}: {pains} → idea: {ideas}")
        out.append("")
    return out


def _moments_of_truth(crm_map: CrmMap, every: list[tuple[Journey, Stage, Touchpoint]]) -> list[str]:
    moments = [(j, t) for j, _, t in every if t.moment_of_truth]
    out = ["### Moments of truth", ""]
    if not moments:
        return [*out, "No touchpoint is marked `moment-of-truth`.", ""]
    rows = []
    for j, t in moments:
        kpis = "; ".join(
            esc(k.name) + (f" → {quantity(k.target)}" if k.target is not None else "")
            for k in t.kpis
        )
        backstage = ", ".join(code(r.text) for r in t.backstage)
        rows.append(
            [
                _tp_name(j, t),
                str(t.score) if t.score is not None else "—",
                kpis or "**no KPI**",
                code(t.owner.text) if t.owner else "**no owner**",
                backstage or "—",
            ]
        )
    out += table(["Touchpoint", "Score", "KPIs", "Owner", "Backstage"], rows)
    return [*out, ""]
