"""The scores view: a journey's emotion curve, as a Mermaid `xychart-beta` line chart.

In: a resolved map and a journey. Out: an `XySpec` whose x-axis is the journey's scored
touchpoints in journey order (stage by stage, as the map lists them) and whose y-axis is
the score, 1 (painful) to 5 (delightful). Choices a reader would otherwise guess at:

- a touchpoint without a score is left out (a curve of scores has no point for it);
- drawing both states (the default), a journey whose plan adds or retires scored
  touchpoints has two lines, `as-is` (without the planned ones) and `to-be` (without the
  retiring ones), with a legend; where a state lacks a touchpoint its line keeps the
  score of the touchpoint before (the first point takes the next one's), so the line
  runs flat where that state has nothing. A journey the plan does not change has one
  line;
- drawing one state, the line is that state's;
- two touchpoints with the same label are told apart by their id in brackets; an empty
  label shows the id;
- a journey without any scored touchpoint has no chart.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Journey, Touchpoint
from crmdsl.views.common import ViewError, XySeries, XySpec
from crmdsl.views.state import tag

__all__ = ["scored_journeys", "scores_view"]

_SCALE = (1.0, 5.0)
#: One line is blue; with two, as-is is grey and to-be blue.
_ONE_LINE = ["#2b6cb0"]
_TWO_LINES = ["#a0aec0", "#2b6cb0"]


def _scored(journey: Journey) -> list[Touchpoint]:
    return [t for s in journey.stages for t in s.touchpoints if t.score is not None]


def scored_journeys(crm_map: CrmMap) -> list[str]:
    """The ids of the journeys that have a scored touchpoint (what the view can draw)."""
    return [j.id for j in crm_map.journeys if _scored(j)]


def _names(points: list[Touchpoint]) -> list[str]:
    titles = [t.title or t.id for t in points]
    return [
        f"{title} ({t.id})" if titles.count(title) > 1 else title
        for title, t in zip(titles, points, strict=True)
    ]


def _carried(scores: list[float | None]) -> list[float]:
    """Fill each gap with the score before it (the first gaps with the first score)."""
    first = next(s for s in scores if s is not None)
    out: list[float] = []
    for score in scores:
        out.append(score if score is not None else (out[-1] if out else first))
    return out


def scores_view(crm_map: CrmMap, journey: Journey) -> XySpec:
    """The journey's emotion curve: one line, or an as-is and a to-be line."""
    points = _scored(journey)
    if not points:
        raise ViewError(f"journey `{journey.id}` has no scored touchpoint: no curve to draw")
    names = _names(points)
    title = f"Emotion curve: {journey.title or journey.id}"
    tags = [tag(crm_map, t) for t in points]
    spec = XySpec(title, names, "score", _SCALE, labels=[journey.title, *names])
    scores = [float(t.score or 0) for t in points]
    as_is = [None if tg == "planned" else s for tg, s in zip(tags, scores, strict=True)]
    to_be = [None if tg == "retiring" else s for tg, s in zip(tags, scores, strict=True)]
    if as_is == to_be or not any(s is not None for s in as_is):
        spec.series.append(XySeries("line", "" if as_is == to_be else "to-be", _carried(to_be)))
    elif not any(s is not None for s in to_be):
        spec.series.append(XySeries("line", "as-is", _carried(as_is)))
    else:
        spec.series += [
            XySeries("line", "as-is", _carried(as_is)),
            XySeries("line", "to-be", _carried(to_be)),
        ]
    spec.colors = _TWO_LINES if len(spec.series) == 2 else _ONE_LINE
    return spec
