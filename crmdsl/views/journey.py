"""The journey view: one journey as a Mermaid `journey` diagram.

In: a resolved map and a journey id. Out: a `JourneySpec` with one section per stage and
one task per touchpoint, scored with the customer's score and acted by the touchpoint's
owner (its team's title). Choices a reader would otherwise guess at:

- a touchpoint without a score shows as neutral (3) and its name says "no score";
- a moment of truth is marked `★` before its name;
- the channel follows the name in brackets; a touchpoint without owner is acted by
  "no owner";
- an empty title falls back to the id (Mermaid cannot show an empty task or section);
- a stage without touchpoints shows a task "no touchpoints yet" scored 3 (Mermaid
  cannot draw an empty section);
- drawing both states, a planned or retiring stage or touchpoint says so after its
  name (`· planned`, `· retiring`): a journey's borders cannot be styled.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Journey, Touchpoint
from crmdsl.views.common import JourneySpec, JourneyTask, persona_of, team_title
from crmdsl.views.state import tag, tagged

__all__ = ["NEUTRAL_SCORE", "journey_view", "task_name"]

#: What an unscored touchpoint shows as.
NEUTRAL_SCORE = 3


def task_name(crm_map: CrmMap, touchpoint: Touchpoint) -> str:
    """The task's text: `★` for a moment of truth, title, channel, "no score", plan tag."""
    parts = [("★ " if touchpoint.moment_of_truth else "") + (touchpoint.title or touchpoint.id)]
    channel = crm_map.channel(touchpoint.channel.text) if touchpoint.channel else None
    if channel is not None:
        parts.append(f"({channel.title})")
    if touchpoint.score is None:
        parts.append("· no score")
    found = tag(crm_map, touchpoint)
    if found:
        parts.append(f"· {found}")
    return " ".join(parts)


def journey_view(crm_map: CrmMap, journey: Journey) -> JourneySpec:
    """A journey's stages and touchpoints, scored."""
    persona = persona_of(crm_map, journey)
    title = journey.title
    if persona is not None:
        title = f"{journey.title} · {persona.title}"
    spec = JourneySpec(title=title, labels=[journey.title])
    if persona is not None:
        spec.labels.append(persona.title)
    for stage in journey.stages:
        tasks = []
        spec.labels.append(stage.title)
        for touchpoint in stage.touchpoints:
            actor = (team_title(crm_map, touchpoint.owner) or "").strip() or "no owner"
            score = touchpoint.score if touchpoint.score is not None else NEUTRAL_SCORE
            tasks.append(JourneyTask(task_name(crm_map, touchpoint), score, [actor]))
            spec.labels.extend([touchpoint.title, actor])
            if touchpoint.channel is not None:
                channel = crm_map.channel(touchpoint.channel.text)
                spec.labels.append(channel.title if channel else touchpoint.channel.text)
        if not tasks:
            tasks.append(JourneyTask("no touchpoints yet", NEUTRAL_SCORE, ["no owner"]))
        spec.sections.append((tagged(stage.title or stage.id, crm_map, stage), tasks))
    return spec
