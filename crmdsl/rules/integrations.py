"""Rules I401–I409: integrations — how often, how, who wins, and what each `map` line does.

In: a `RuleContext`. Out: `Hit`s on the `integration` keyword (I401–I404, I408) or on the
`map` keyword of a mapping line (I405–I407, I409). A two-way line (`A <-> B`) is checked
in both directions; I406 follows the type table `_ACCEPTS` (shown in docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.errors import Note, Span
from crmdsl.model import EntityField, FieldType, Mapping
from crmdsl.query.index import Direction, directions
from crmdsl.rules.places import and_list, keyword_span, quoted
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__ = ["accepts"]


def _map_span(mapping: Mapping) -> Span:
    return keyword_span(mapping, "map")


@rule("I401", "integration-no-frequency", "warning")
def integration_no_frequency(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an integration with no frequency (`every`, `realtime`, `daily`, ...).

    Why it matters: how fresh the data is at the other end decides what the business can
    do with it: a lead routed within minutes or the next morning, a stock level that is
    right or an hour old. Without a frequency nobody can say when a change arrives, or
    notice that the sync stopped.

    Example:
        integration lead_sync "Lead sync" hubspot -> salesforce via api owner it
    Fix:
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it
    """
    for integ in ctx.map.integrations:
        if integ.frequency is None:
            yield Hit(
                keyword_span(integ),
                f"integration `{integ.id}` has no frequency",
                hint="add `every 15m`, `realtime`, `hourly`, `daily`, `on-change` or `manual`",
            )


@rule("I402", "integration-no-method", "info")
def integration_no_method(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an integration with no `via` (api, webhook, file, etl, manual).

    Why it matters: the method says what can break and who can fix it: an API connector,
    a nightly file drop and a person copying a spreadsheet fail in very different ways.
    It is also how an inventory of integrations finds the manual ones worth automating.

    Example:
        integration order_sync "Order sync" salesforce -> netsuite realtime owner it
    Fix:
        integration order_sync "Order sync" salesforce -> netsuite realtime via api owner it
    """
    for integ in ctx.map.integrations:
        if integ.via is None:
            yield Hit(
                keyword_span(integ),
                f"integration `{integ.id}` does not say how it moves data",
                hint="add `via api`, `webhook`, `file`, `etl` or `manual`",
            )


@rule("I403", "two-way-no-master", "warning")
def two_way_no_master(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a two-way integration (`A <-> B`) that names no `master`.

    Why it matters: when both systems change the same record between two syncs, one
    change must win. Without an agreed master the result depends on timing: updates are
    lost, fields flip back and forth, and nobody can say which system is right.

    Example:
        integration order_sync "Order sync" salesforce <-> netsuite realtime via api
    Fix:
        integration order_sync "Order sync" salesforce <-> netsuite realtime via api
          master salesforce
    """
    for integ in ctx.map.integrations:
        if integ.two_way and integ.master is None:
            yield Hit(
                keyword_span(integ),
                f"two-way integration `{integ.id}` names no master, so conflicts have no winner",
                hint=f"add `master {integ.source.text}` or `master {integ.target.text}`",
            )


@rule("I404", "integration-no-match-key", "warning")
def integration_no_match_key(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an integration whose `map` lines include none flagged `key`.

    Why it matters: the match key is how a sync finds the record to update at the other
    end (the same email, the same order number). Without one, every run creates new
    records, and duplicates pile up in the target system.

    Example:
        integration order_sync "Order sync" salesforce -> netsuite realtime via api
          map Opportunity.id -> SalesOrder.external_id
          map Opportunity.amount -> SalesOrder.total
    Fix:
        integration order_sync "Order sync" salesforce -> netsuite realtime via api
          map Opportunity.id -> SalesOrder.external_id key
          map Opportunity.amount -> SalesOrder.total
    """
    for integ in ctx.map.integrations:
        if integ.maps and not any(mapping.key for mapping in integ.maps):
            yield Hit(
                keyword_span(integ),
                f"integration `{integ.id}` has no key to match records on",
                hint="flag the `map` line of a shared id or email with `key`",
            )


@rule("I405", "match-key-not-unique", "warning")
def match_key_not_unique(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `key` map line whose target field is neither `key` nor `unique`.

    Why it matters: matching on a field that is not unique at the other end updates the
    wrong record, or several at once. On a two-way integration both fields are matched
    on, so both must be unique.

    Example:
        entity salesforce.Lead "Lead"
          email: email pii required
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api
          map Contact.email -> Lead.email key
    Fix:
        entity salesforce.Lead "Lead"
          email: email pii required unique
    """
    index = ctx.index
    for integ in ctx.map.integrations:
        for mapping in integ.maps:
            if not mapping.key:
                continue
            weak: list[str] = []
            for d in directions(integ, mapping):
                fld = index.field(d.target)
                if fld is not None and not (fld.key or fld.unique):
                    weak.append(d.target)
            if weak:
                fields = and_list(quoted(weak))
                verb = "is" if len(weak) == 1 else "are"
                yield Hit(
                    _map_span(mapping),
                    f"the match key {fields} {verb} neither `key` nor `unique`",
                    hint="flag the field `unique` where it is, or match on a unique field",
                )


#: For each target type, the source types it accepts without a `transform` (docs/rules.md shows it).
_ACCEPTS: dict[str, frozenset[str]] = {
    "email": frozenset({"email"}),
    "phone": frozenset({"phone"}),
    "url": frozenset({"url"}),
    "boolean": frozenset({"boolean"}),
    "date": frozenset({"date", "datetime"}),
    "datetime": frozenset({"date", "datetime"}),
    "id": frozenset({"id", "ref"}),
    "number": frozenset({"number", "integer", "money", "percent"}),
    "integer": frozenset({"integer"}),
    "money": frozenset({"money", "integer", "number"}),
    "percent": frozenset({"percent", "number"}),
    "enum": frozenset({"enum"}),
    "ref": frozenset({"ref", "id"}),
}


def _ref_entity(ftype: FieldType) -> str:
    ref = ftype.ref
    if ref is None:
        return ""
    return (ref.target or ref.text).rsplit(".", 1)[-1]


def accepts(target: FieldType, source: FieldType) -> bool:
    """True when a field of type `target` takes values of type `source` without a transform."""
    if target.name in {"string", "text"}:
        return True
    if source.name not in _ACCEPTS.get(target.name, frozenset()):
        return False
    if target.name == "ref" and source.name == "ref":
        return _ref_entity(target) == _ref_entity(source)
    return True


def _typed(d: Direction, ctx: RuleContext) -> tuple[EntityField, EntityField] | None:
    src, dst = ctx.index.field(d.source), ctx.index.field(d.target)
    if src is None or dst is None:
        return None
    return src, dst


@rule("I406", "type-mismatch", "error")
def type_mismatch(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `map` line joining fields of incompatible types, with no `transform`.

    Why it matters: a text written into a number field, or a date into a phone field,
    is rejected by the target system or silently mangled. Where the types differ the
    integration needs a named transform, so that someone has decided how the value is
    converted. Two-way lines are checked in both directions.

    Example:
        map Contact.employees -> Account.size
    Fix:
        map Contact.employees -> Account.size transform employees_to_band
    """
    for integ in ctx.map.integrations:
        for mapping in integ.maps:
            if mapping.transform is not None:
                continue
            bad: list[str] = []
            for d in directions(integ, mapping):
                typed = _typed(d, ctx)
                if typed is not None and not accepts(typed[1].type, typed[0].type):
                    bad.append(
                        f"`{d.source}` ({typed[0].type}) into `{d.target}` ({typed[1].type})"
                    )
            if bad:
                yield Hit(
                    _map_span(mapping),
                    f"this `map` line writes {' and '.join(bad)} with no `transform`",
                    hint="add `transform NAME` (how the value is converted), or map fields "
                    "of matching types",
                )


@rule("I407", "enum-value-unmapped", "warning")
def enum_value_unmapped(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an enum mapped to an enum where values have no match and no `transform`.

    Why it matters: a source value the target does not know is rejected, dropped or
    turned into a default, and the records carrying it quietly go wrong (a refunded order
    that shows as paid). Every value needs a home, or a transform that says where it goes.

    Example:
        map Order.financial_status -> SalesOrder.status
    Fix:
        map Order.financial_status -> SalesOrder.status transform payment_to_order_status
    """
    for integ in ctx.map.integrations:
        for mapping in integ.maps:
            if mapping.transform is not None:
                continue
            gaps: list[str] = []
            for d in directions(integ, mapping):
                typed = _typed(d, ctx)
                if typed is None:
                    continue
                src, dst = typed[0].type, typed[1].type
                if src.name != "enum" or dst.name != "enum":
                    continue
                targets = set(dst.values)
                missing = [v for v in src.values if v not in targets]
                if missing:
                    many = len(missing) != 1
                    gaps.append(
                        f"the value{'s' if many else ''} {and_list(quoted(missing))} of "
                        f"`{d.source}` {'have' if many else 'has'} no match in `{d.target}`"
                    )
            if gaps:
                yield Hit(
                    _map_span(mapping),
                    "; and ".join(gaps),
                    hint="add `transform NAME` (how each value is carried over), or add the "
                    "values to the target",
                )


@rule("I408", "integration-empty", "info")
def integration_empty(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an integration with no `map` lines.

    Why it matters: an integration on the map says data moves between two systems; its
    `map` lines say which. Without them the map cannot show where a field comes from,
    and the data rules (keys, types, PII, systems of record) cannot check it.

    Example:
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it
    Fix:
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it
          map Contact.email -> Lead.email key
    """
    for integ in ctx.map.integrations:
        if not integ.maps:
            yield Hit(
                keyword_span(integ),
                f"integration `{integ.id}` has no `map` lines",
                hint="add `map Entity.field -> Entity.field` for the data it carries",
            )


@rule("I409", "field-fed-twice", "warning")
def field_fed_twice(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a field that `map` lines of two or more integrations write.

    Why it matters: two integrations writing one field race each other: the last sync
    wins, values flip back and forth, and nobody can say where the value came from.
    One integration should own each field; reported on each of the competing lines.

    Example:
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api
          map Contact.phone -> Lead.phone
        integration enrich "Enrichment" clearbit -> salesforce daily via api
          map Person.phone -> Lead.phone
    Fix:
        integration enrich "Enrichment" clearbit -> salesforce daily via api
          map Person.phone -> Lead.mobile_enriched
    """
    writes = ctx.index.writes
    for integ in ctx.map.integrations:
        for mapping in integ.maps:
            twice: list[str] = []
            notes: list[Note] = []
            for d in directions(integ, mapping):
                others = [w for w in writes.get(d.target, []) if w.integration is not integ]
                if not others:
                    continue
                twice.append(d.target)
                seen: set[int] = set()
                for other in others:
                    if id(other.mapping) in seen:
                        continue
                    seen.add(id(other.mapping))
                    notes.append(
                        Note(
                            f"`{other.integration.id}` also writes `{d.target}` here",
                            _map_span(other.mapping),
                        )
                    )
            if twice:
                yield Hit(
                    _map_span(mapping),
                    f"{and_list(quoted(twice))} {'is' if len(twice) == 1 else 'are'} "
                    "written by more than one integration",
                    hint="let one integration own the field; map the others elsewhere",
                    notes=tuple(notes),
                )
