"""The data and integration parts of `crmdsl report`: a map in, Markdown lines out.

Data: the systems of record by domain, then each personal-data (`pii`) field: where it
is captured, which integrations carry it, the systems of record it reaches (its own
system and those its integrations carry it to), and how long it is kept. Integrations:
frequency, method, owner, match key, the master of a two-way sync, and the map lines.
"""

from __future__ import annotations

from collections import deque

from crmdsl.model import CrmMap, Entity, EntityField, Integration, System
from crmdsl.reporting.markdown import code, esc, plural, table

__all__ = ["data_section", "integration_section"]


def _field_key(entity: Entity, f: EntityField) -> str:
    return f"{entity.key}.{f.name}"


def _links(crm_map: CrmMap) -> dict[str, list[tuple[str, Integration, str]]]:
    """Map a field key to (other field key, integration, arrow) for every map line touching it."""
    out: dict[str, list[tuple[str, Integration, str]]] = {}
    for integ in crm_map.integrations:
        for m in integ.maps:
            src, dst = m.source.target, m.target.target
            if src is None or dst is None:
                continue
            if integ.two_way:
                out.setdefault(src, []).append((dst, integ, "↔"))
                out.setdefault(dst, []).append((src, integ, "↔"))
            else:
                out.setdefault(src, []).append((dst, integ, "→"))
                out.setdefault(dst, []).append((src, integ, "←"))
    return out


def _reached_systems(start: str, links: dict[str, list[tuple[str, Integration, str]]]) -> list[str]:
    """Systems whose fields the data of `start` flows into (its own first), in flow order."""
    seen = {start}
    order = [start]
    todo = deque([start])
    while todo:
        key = todo.popleft()
        for other, _, arrow in links.get(key, []):
            if arrow != "←" and other not in seen:
                seen.add(other)
                order.append(other)
                todo.append(other)
    systems: list[str] = []
    for key in order:
        system = key.split(".", 1)[0]
        if system not in systems:
            systems.append(system)
    return systems


def data_section(crm_map: CrmMap) -> list[str]:
    """`## Data`: systems of record and the personal data."""
    out = ["## Data", ""]
    systems = {s.id: s for s in crm_map.systems}
    domains: dict[str, list[System]] = {}
    for s in crm_map.systems:
        for name in s.record_of:
            domains.setdefault(name.value, []).append(s)
    if domains:
        rows = []
        for domain in sorted(domains):
            holders = domains[domain]
            cell = ", ".join(f"{esc(s.title)} ({code(s.id)})" for s in holders)
            if len(holders) > 1:
                cell += " — **more than one system of record**"
            rows.append([esc(domain), cell])
        out += ["### Systems of record", ""]
        out += table(["Domain", "System of record"], rows)
        out.append("")
    captured: dict[str, list[str]] = {}
    for j in crm_map.journeys:
        for stage in j.stages:
            for t in stage.touchpoints:
                for ref in t.captures:
                    if ref.target is not None:
                        captured.setdefault(ref.target, []).append(
                            f"{esc(t.title)} ({code(j.id + '.' + t.id)})"
                        )
    links = _links(crm_map)
    rows = []
    for entity in crm_map.entities:
        for f in entity.fields:
            if not f.pii:
                continue
            key = _field_key(entity, f)
            carried = [
                f"{code(i.id)} {arrow} {code(other)}" for other, i, arrow in links.get(key, [])
            ]
            records = []
            for sys_id in _reached_systems(key, links):
                system = systems.get(sys_id)
                if system is not None and system.record_of:
                    names = ", ".join(esc(n.value) for n in system.record_of)
                    records.append(f"{code(sys_id)} ({names})")
            rows.append(
                [
                    code(key),
                    "; ".join(captured.get(key, [])) or "—",
                    "; ".join(carried) or "—",
                    ", ".join(records) or "**none**",
                    esc(entity.retain.text) if entity.retain else "**not set**",
                ]
            )
    out += ["### Personal data", ""]
    if not rows:
        return [*out, "No field is flagged `pii`.", ""]
    out += [
        f'{plural(len(rows), "field")} flagged `pii`. "Systems of record" are the field\'s own '
        "system and the systems its integrations carry it to, where they are the record of "
        "something.",
        "",
    ]
    out += table(["Field", "Captured at", "Carried by", "Systems of record", "Retention"], rows)
    return [*out, ""]


def _frequency(i: Integration) -> str:
    return esc(str(i.frequency)) if i.frequency is not None else "**not said**"


def integration_section(crm_map: CrmMap) -> list[str]:
    """`## Integrations`: one row per integration."""
    out = ["## Integrations", ""]
    if not crm_map.integrations:
        return [*out, "The map has no integrations.", ""]
    rows = []
    for i in crm_map.integrations:
        arrow = "↔" if i.two_way else "→"
        keys = [f"{code(m.source.text)} {arrow} {code(m.target.text)}" for m in i.maps if m.key]
        if i.two_way:
            master = code(i.master.text) if i.master else "**none** (conflicts have no winner)"
        else:
            master = "—"
        rows.append(
            [
                f"{esc(i.title)} ({code(i.id)})",
                f"{code(i.source.text)} {arrow} {code(i.target.text)}",
                _frequency(i),
                esc(i.via) if i.via else "**not said**",
                code(i.owner.text) if i.owner else "—",
                ", ".join(keys) or ("**none**" if i.maps else "—"),
                master,
                str(len(i.maps)),
            ]
        )
    out += table(
        [
            "Integration",
            "Systems",
            "Frequency",
            "Method",
            "Owner",
            "Match key",
            "Master",
            "Map lines",
        ],
        rows,
    )
    return [*out, ""]
