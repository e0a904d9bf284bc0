"""The entities view: the data model of every system, an `erDiagram`.

In: a resolved map and optionally a system id. Out: an `ErSpec` with one entity per
`entity` statement and relationships for `ref(...)` fields and for mapped fields.
Choices:

- an entity is named with its system (`salesforce_Lead`, made safe by the safety layer)
  and labelled with its title (`Lead`); when two entities shown share a title, the
  system's title follows in brackets (`Ticket (Zendesk)`);
- a field's type is its type name; `enum(...)` is typed `enum` and its values go in the
  comment; `ref(Entity)` is typed `ref`;
- `key` fields are marked PK, `unique` ones UK; the comment says `PII`, `required`,
  `consent` and `readonly` where they apply;
- a `ref(Entity)` field is a solid many-to-one relationship labelled with the field;
  the fields an integration maps are a dotted relationship labelled with the
  integration's title and the field pairs (`Lead sync: email → email, phone → phone`);
- with `--id SYSTEM` only that system's entities and the entities they map to or from
  (and refer to) are drawn;
- drawing both states, an entity, field or `map` line of the plan says `planned` or
  `retiring` (in the entity's label, the field's comment, after the field pair).
"""

from __future__ import annotations

from typing import Literal

from crmdsl.model import CrmMap, Entity, EntityField
from crmdsl.views.common import ErAttribute, ErEntity, ErRelation, ErSpec, system_title
from crmdsl.views.state import state_class, tag, tagged

__all__ = ["attribute", "entities_view", "field_comment"]


def field_comment(field: EntityField) -> str | None:
    """The attribute comment: PII and the other flags, then enum values."""
    flags = [
        word
        for word, on in (
            ("PII", field.pii),
            ("required", field.required),
            ("consent", field.consent),
            ("readonly", field.readonly),
        )
        if on
    ]
    if field.type.name == "enum" and field.type.values:
        flags.append("one of " + ", ".join(field.type.values))
    if field.type.name == "ref" and field.type.ref is not None:
        flags.append("→ " + field.type.ref.text)
    return " · ".join(flags) or None


def attribute(field: EntityField) -> ErAttribute:
    """A field as an `erDiagram` attribute."""
    key: Literal["PK", "UK"] | None = "PK" if field.key else "UK" if field.unique else None
    return ErAttribute(field.type.name, field.name, key, field_comment(field))


def _tagged_attribute(crm_map: CrmMap, field: EntityField) -> ErAttribute:
    """A field's attribute, its comment ending with its plan tag when it has one."""
    out = attribute(field)
    found = tag(crm_map, field)
    if found:
        out.comment = f"{out.comment} · {found}" if out.comment else found
    return out


def _related(crm_map: CrmMap, system_id: str) -> set[str]:
    """The entity keys shown around one system: its own, and those it maps or refers to."""
    own = {e.key for e in crm_map.entities if e.system.target == system_id}
    keys = set(own)
    for integration in crm_map.integrations:
        for mapping in integration.maps:
            ends = [_entity_key(r) for r in (mapping.source.target, mapping.target.target)]
            if any(k in own for k in ends if k):
                keys.update(k for k in ends if k)
    for entity in crm_map.entities:
        if entity.system.target == system_id:
            keys.update(
                f.type.ref.target
                for f in entity.fields
                if f.type.ref is not None and f.type.ref.target
            )
    return keys


def _entity_key(field_key: str | None) -> str | None:
    return field_key.rsplit(".", 1)[0] if field_key else None


def entities_view(crm_map: CrmMap, system_id: str | None = None) -> ErSpec:
    """Entities with their fields, `ref` fields and mapped fields as relationships."""
    shown = _related(crm_map, system_id) if system_id else None
    entities = [e for e in crm_map.entities if shown is None or e.key in shown]
    titles: dict[str, int] = {}
    for entity in entities:
        titles[entity.title] = titles.get(entity.title, 0) + 1
    spec = ErSpec()
    for entity in entities:
        label = entity.title
        if titles[label] > 1:
            label = f"{label} ({system_title(crm_map, entity.system)})"
        spec.entities[entity.key] = ErEntity(
            entity.key,
            tagged(label, crm_map, entity),
            [_tagged_attribute(crm_map, f) for f in entity.fields],
            css=state_class(spec.classes, crm_map, entity),
        )
        spec.labels.append(entity.title)
        spec.labels.extend(v for f in entity.fields for v in f.type.values)
    _refs(crm_map, entities, spec)
    _mappings(crm_map, spec)
    return spec


def _refs(crm_map: CrmMap, entities: list[Entity], spec: ErSpec) -> None:
    for entity in entities:
        for field in entity.fields:
            target = field.type.ref.target if field.type.ref is not None else None
            if target in spec.entities:
                spec.relations.append(
                    ErRelation(entity.key, str(target), field.name, "zero-or-more", "exactly-one")
                )


def _mappings(crm_map: CrmMap, spec: ErSpec) -> None:
    for integration in crm_map.integrations:
        pairs: dict[tuple[str, str], list[str]] = {}
        for mapping in integration.maps:
            left = _entity_key(mapping.source.target)
            right = _entity_key(mapping.target.target)
            if left not in spec.entities or right not in spec.entities:
                continue
            assert left is not None and right is not None
            pair = f"{mapping.source.text.rsplit('.', 1)[-1]} → "
            pair += mapping.target.text.rsplit(".", 1)[-1]
            if (found := tag(crm_map, mapping)) and tag(crm_map, integration) != found:
                pair += f" ({found})"
            pairs.setdefault((left, right), []).append(pair)
        for (left, right), words in pairs.items():
            arrow = "both ways: " if integration.two_way else ""
            label = f"{tagged(integration.title, crm_map, integration)}: {arrow}{', '.join(words)}"
            spec.labels.append(integration.title)
            spec.relations.append(
                ErRelation(left, right, label, "zero-or-one", "zero-or-one", True)
            )
