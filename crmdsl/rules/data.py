"""Rules D301–D307: data — keys, personal data, systems of record, where data goes, licences.

In: a `RuleContext`. Out: `Hit`s on the `entity` or `system` keyword, on a field's name,
on the `touchpoint` keyword (D304), or on a system's `users` clause (D307). D303 and D304
read which fields `map` lines write and carry from the shared index; both sides of a
two-way line count both ways. D302 has a safe fix (`flag_pii`): a finding and the map in,
the text edit that adds `pii` out.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.errors import Diagnostic, Note, Span
from crmdsl.model import CrmMap, Integration, System
from crmdsl.query.lifecycle import effective_lifecycle
from crmdsl.rules.places import and_list, clause_span, field_span, keyword_span, quoted
from crmdsl.rules.registry import Fix, FixText, Hit, RuleContext, rule

__all__ = ["flag_pii"]


@rule("D301", "entity-no-key", "warning")
def entity_no_key(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an entity with no field flagged `key` or `unique`.

    Why it matters: without a field that identifies a record, there is no way to match
    records between systems or to find duplicates. Syncs then create a second contact
    instead of updating the first, and reports count the same customer twice.

    Example:
        entity hubspot.Contact "Contact"
          email: email pii required
    Fix:
        entity hubspot.Contact "Contact"
          email: email pii required unique
    """
    for entity in ctx.map.entities:
        if not any(f.key or f.unique for f in entity.fields):
            yield Hit(
                keyword_span(entity),
                f"entity `{entity.key}` has no field flagged `key` or `unique`",
                hint="flag the field records are matched on (an id, an email) `key` or `unique`",
            )


_PII_TYPES = {"email": "an email address", "phone": "a phone number"}


def flag_pii(diag: Diagnostic, mp: CrmMap, text: FixText) -> Fix | None:
    """D302's fix: add the flag `pii` at the end of the field's line (before a comment)."""
    span = diag.span
    if span is None:
        return None
    for entity in mp.entities:
        for fld in entity.fields:
            if fld.span.file == span.file and fld.span.line == span.line:
                if fld.pii or fld.type.name not in _PII_TYPES:
                    return None
                line = text.line(span.file, span.line)
                pos = text.offset(span.file, span.line, line.end_col)
                return Fix(f"D302: flag `{fld.name}` pii", ((span.file, pos, pos, " pii"),))
    return None


@rule("D302", "pii-not-flagged", "warning", fix=flag_pii)
def pii_not_flagged(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a field of type `email` or `phone` that is not flagged `pii`.

    Why it matters: email addresses and phone numbers identify people, so they are
    personal data under GDPR and similar laws. Flagging them `pii` is what lets the map
    show where personal data is captured, which systems hold it, and how long it is kept.

    Example:
        entity salesforce.Contact "Contact"
          mobile: phone
    Fix:
        entity salesforce.Contact "Contact"
          mobile: phone pii
    """
    for entity in ctx.map.entities:
        for fld in entity.fields:
            what = _PII_TYPES.get(fld.type.name)
            if what is not None and not fld.pii:
                yield Hit(
                    field_span(fld),
                    f"field `{fld.name}` of `{entity.key}` holds {what} but is not flagged `pii`",
                    hint="add the flag `pii`",
                )


@rule("D303", "required-target-unfed", "warning")
def required_target_unfed(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a required field that nothing fills, in an entity integrations write.

    Why it matters: when an integration creates records in a system, every required field
    must get a value. If no `map` line writes it and no touchpoint captures it, the sync
    fails on create, or someone types a placeholder that pollutes the data. Both sides of
    a two-way line count as written. A `readonly` field is left alone: the system fills
    it itself (an id, a created date).

    Example:
        entity salesforce.Lead "Lead"
          email: email pii required unique
          company: string required
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it
          map Contact.email -> Lead.email key
    Fix:
        integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it
          map Contact.email -> Lead.email key
          map Contact.company -> Lead.company
    """
    index = ctx.index
    writers: dict[str, dict[str, Integration]] = {}  # entity key -> integrations writing it
    for d in index.directions:
        entity_key = d.target.rsplit(".", 1)[0]
        writers.setdefault(entity_key, {}).setdefault(d.integration.id, d.integration)
    for entity in ctx.map.entities:
        feeding = writers.get(entity.key)
        if not feeding:
            continue
        for fld in entity.fields:
            key = f"{entity.key}.{fld.name}"
            if not fld.required or fld.readonly or key in index.writes or key in index.captured_by:
                continue
            names = and_list(quoted(feeding))
            notes = tuple(
                Note(f"`{integ.id}` writes `{entity.key}` records", keyword_span(integ))
                for integ in feeding.values()
            )
            yield Hit(
                field_span(fld),
                f"required field `{fld.name}` of `{entity.key}` is filled by no `map` line "
                f"and captured by no touchpoint, though {names} {'writes' if len(feeding) == 1 else 'write'} "
                f"`{entity.name}` records",
                hint="map a source field to it, capture it at a touchpoint, or drop `required`",
                notes=notes,
            )


@rule("D304", "captured-data-stranded", "warning")
def captured_data_stranded(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags data a touchpoint captures into a tool that keeps it to itself.

    Why it matters: data entered into a system that is the record of nothing (a
    marketing tool, a spreadsheet) and carried on by no integration never reaches the
    systems that run the business: sales, service and reporting work without it, and it
    goes stale where it lies. Fires when the captured field's own system has no
    `record-of` and the field is on the source side of no `map` line.

    Example:
        touchpoint quiz "Gear-finder quiz" channel web score 4 owner crm system klaviyo
          captures klaviyo.Profile.activity
    Fix:
        integration profile_sync "Klaviyo → Shopify" klaviyo -> shopify daily via api owner it
          map Profile.email -> Customer.email key
          map Profile.activity -> Customer.activity
    """
    index = ctx.index
    for _, _, tp in index.touchpoints:
        stranded: list[str] = []
        homes: dict[str, None] = {}
        for ref in tp.captures:
            key = ref.target
            if key is None or key in index.carries:
                continue
            system = ctx.map.lookup(key.split(".", 1)[0])
            if isinstance(system, System) and not system.record_of:
                stranded.append(key)
                homes[system.id] = None
        if stranded:
            fields = and_list(quoted(dict.fromkeys(stranded)))
            where = and_list(quoted(homes))
            kept = "is the record of nothing" if len(homes) == 1 else "are the record of nothing"
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` captures {fields} into {where}, which {kept}, "
                f"and no integration carries {'it' if len(stranded) == 1 else 'them'} on",
                hint="map it on to the system of record in an integration",
            )


@rule("D305", "multiple-systems-of-record", "error")
def multiple_systems_of_record(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a system that is `record-of` a domain another system already claims.

    Why it matters: the system of record is the one whose answer wins when two systems
    disagree about a customer, an order or a ticket. Two systems of record for one domain
    means no answer wins: duplicates, conflicting updates and reports that never match.
    Reported on every system after the first that claims the domain. A `planned` system
    taking a domain over from a `retiring` one is a handover, not a clash: the two never
    hold it in the same state of the map.

    Example:
        system salesforce "Salesforce" kind crm owner sales record-of customer
        system hubspot "HubSpot" kind marketing owner marketing record-of customer
    Fix:
        system salesforce "Salesforce" kind crm owner sales record-of customer
        system hubspot "HubSpot" kind marketing owner marketing
    """
    first: dict[str, tuple[System, Span]] = {}
    for system in ctx.map.systems:
        clashes: list[tuple[str, System, Span]] = []
        for name in system.record_of:
            claimed = first.get(name.value)
            if claimed is None:
                first[name.value] = (system, name.span)
            elif claimed[0] is not system and not _handover(ctx.map, claimed[0], system):
                clashes.append((name.value, claimed[0], claimed[1]))
        if not clashes:
            continue
        domains = and_list(quoted(dict.fromkeys(c[0] for c in clashes)))
        owners = and_list(quoted(dict.fromkeys(c[1].id for c in clashes)))
        notes = tuple(
            Note(f"`{other.id}` is already the record of `{domain}`", span)
            for domain, other, span in clashes
        )
        yield Hit(
            keyword_span(system),
            f"system `{system.id}` is `record-of` {domains}, which {owners} already "
            f"{'is' if ' and ' not in owners else 'are'}",
            hint="keep one system of record per domain; the others hold copies",
            notes=notes,
        )


def _handover(mp: CrmMap, one: System, other: System) -> bool:
    """Whether one of the two systems is planned and the other retiring."""
    states = {effective_lifecycle(mp, one), effective_lifecycle(mp, other)}
    return states == {"planned", "retiring"}


@rule("D306", "pii-no-retention", "info")
def pii_no_retention(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an entity with `pii` fields and no `retain DURATION`.

    Why it matters: personal data may be kept only as long as it is needed (GDPR's
    storage limitation). An entity with personal data and no retention period is kept
    forever by default, which is both a compliance risk and a growing pile of stale,
    unconsented contacts.

    Example:
        entity klaviyo.Profile "Profile"
          email: email pii unique
    Fix:
        entity klaviyo.Profile "Profile" retain 3y
          email: email pii unique
    """
    for entity in ctx.map.entities:
        personal = [f.name for f in entity.fields if f.pii]
        if personal and entity.retain is None:
            yield Hit(
                keyword_span(entity),
                f"entity `{entity.key}` holds personal data "
                f"({and_list(quoted(personal))}) but has no `retain` period",
                hint="add `retain DURATION`: how long its personal data is kept, such as 3y",
            )


@rule("D307", "users-exceed-licenses", "warning")
def users_exceed_licenses(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a system whose `users` is more than its `licenses`.

    Why it matters: either people share logins (no audit trail of who changed a
    customer's record, and a breach of most vendors' terms), some users cannot get in, or
    one of the figures is wrong. Each is worth knowing before the renewal, and the cost of
    the stack is only right when the licence count is.

    Example:
        system zendesk "Zendesk" kind service owner service users 45 licenses 30
    Fix:
        system zendesk "Zendesk" kind service owner service users 45 licenses 45
    """
    for system in ctx.map.systems:
        if system.users is not None and system.licenses is not None:
            if system.users > system.licenses:
                yield Hit(
                    clause_span(system, "users"),
                    f"system `{system.id}` has {system.users} users but {system.licenses} "
                    f"licen{'ce' if system.licenses == 1 else 'ces'}",
                    hint="buy the licences, or correct `users` or `licenses`",
                )
