"""The "From as-is to to-be" part of `crmdsl report`: a map and its two states' findings in.

Out: `plan_data` (JSON-ready) and `plan_section` (Markdown lines):

- **added**: every element flagged `planned` (its own flag; what it holds comes with
  it), with its `by` date; **retired**: every element flagged `retiring`;
- the findings **the plan clears** (the as-is map has them, the to-be map has not) and
  those **it introduces** (the other way round), by linting both states. Two findings
  are the same when code, message and place are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from crmdsl.errors import Diagnostic
from crmdsl.model import CrmMap, Node
from crmdsl.reporting.markdown import code, esc, message, plural, table

__all__ = ["finding_row", "finding_data", "plan_data", "plan_section", "planned_elements"]

Element = dict[str, str | None]


def _own(crm_map: CrmMap) -> Iterator[tuple[str, str, str, Node]]:
    """(kind, key, label, node) of every element that may carry a lifecycle flag."""
    for system in crm_map.systems:
        yield "system", system.id, system.title, system
    for entity in crm_map.entities:
        yield "entity", entity.key, entity.title, entity
        for fld in entity.fields:
            yield "field", f"{entity.key}.{fld.name}", fld.name, fld
    for journey in crm_map.journeys:
        for stage in journey.stages:
            yield "stage", f"{journey.id}.{stage.id}", stage.title, stage
            for tp in stage.touchpoints:
                yield "touchpoint", f"{journey.id}.{tp.id}", tp.title, tp
    for process in crm_map.processes:
        for node in process.nodes:
            yield node.statement, f"{process.id}.{node.id}", node.title, node
    for integration in crm_map.integrations:
        yield "integration", integration.id, integration.title, integration
        for line in integration.maps:
            key = f"{integration.id}: {line.source.text} -> {line.target.text}"
            yield "map line", key, key, line


def planned_elements(crm_map: CrmMap, flag: str) -> list[Element]:
    """Every element whose own flag is `flag` (`planned` or `retiring`), in map order."""
    return [
        {
            "kind": kind,
            "id": key,
            "label": label,
            "by": by.isoformat() if (by := getattr(node, "lifecycle_by", None)) else None,
        }
        for kind, key, label, node in _own(crm_map)
        if getattr(node, "lifecycle", "current") == flag
    ]


def finding_data(f: Diagnostic) -> dict[str, object]:
    """A finding as JSON: code, rule, severity, message, file and line."""
    return {
        "code": f.code,
        "rule": f.kind,
        "severity": f.severity,
        "message": f.message,
        "file": f.span.file if f.span else None,
        "line": f.span.line if f.span else None,
    }


def _key(f: Diagnostic) -> tuple[str, str, str, int]:
    return (f.code, f.message, f.span.file if f.span else "", f.span.line if f.span else 0)


def plan_data(
    crm_map: CrmMap,
    states: tuple[Sequence[Diagnostic], Sequence[Diagnostic]] | None,
) -> dict[str, object]:
    """What the plan adds and retires, and (given both states' findings) what it changes."""
    out: dict[str, object] = {
        "added": planned_elements(crm_map, "planned"),
        "retired": planned_elements(crm_map, "retiring"),
        "clears": None,
        "introduces": None,
    }
    if states is not None:
        as_is, to_be = states
        before, after = {_key(f) for f in as_is}, {_key(f) for f in to_be}
        out["clears"] = [finding_data(f) for f in as_is if _key(f) not in after]
        out["introduces"] = [finding_data(f) for f in to_be if _key(f) not in before]
    return out


def finding_row(f: dict[str, object]) -> list[str]:
    """A finding's table row: code, rule, where, message."""
    where = f"{f['file']}:{f['line']}" if f["file"] else None
    return [
        code(str(f["code"])),
        esc(str(f["rule"])),
        code(where) if where else "—",
        message(str(f["message"])),
    ]


def _elements(title: str, items: list[Element]) -> list[str]:
    if not items:
        return []
    rows = [
        [esc(str(e["kind"])), code(str(e["id"])), esc(str(e["label"])), e["by"] or "—"]
        for e in items
    ]
    return [f"### {title} ({len(items)})", "", *table(["What", "Id", "Label", "By"], rows), ""]


def _findings(title: str, items: object, none: str) -> list[str]:
    assert isinstance(items, list)
    if not items:
        return [f"### {title}", "", none, ""]
    rows = [finding_row(f) for f in items]
    return [
        f"### {title} ({len(items)})",
        "",
        *table(["Code", "Rule", "Where", "Finding"], rows),
        "",
    ]


def plan_section(data: dict[str, object]) -> list[str]:
    """`## From as-is to to-be`: added, retired, and the findings the plan changes."""
    out = ["## From as-is to to-be", ""]
    added, retired = data["added"], data["retired"]
    assert isinstance(added, list) and isinstance(retired, list)
    if not added and not retired:
        return [*out, "The map has no plan: nothing is `planned` or `retiring`.", ""]
    out += [
        f"The plan adds {plural(len(added), 'element')} and retires {len(retired)} "
        "(what an element holds comes and goes with it). The as-is map is everything not "
        "planned; the to-be map everything not retiring.",
        "",
    ]
    out += _elements("Added (planned)", added) + _elements("Retired (retiring)", retired)
    if data["clears"] is None:
        return [*out, "The findings of each state were not computed.", ""]
    out += _findings("Findings the plan clears", data["clears"], "The plan clears no finding.")
    out += _findings(
        "Findings the plan introduces", data["introduces"], "The plan introduces no finding."
    )
    return out
