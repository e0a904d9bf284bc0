"""Rule C601: customer data protection — marketing data captured without consent.

In: a `RuleContext`. Out: one `Hit` per touchpoint on its `touchpoint` keyword, naming
every personal field it captures into a marketing system's entity that records no
consent.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.errors import Note
from crmdsl.model import Entity, System
from crmdsl.rules.places import and_list, keyword_span, quoted
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__ = ["MARKETING_CHANNELS"]

#: Channels on which capturing contact data is usually for marketing (docs/rules.md, C601).
MARKETING_CHANNELS = frozenset({"email", "sms", "ads", "social"})


@rule("C601", "marketing-without-consent", "warning")
def marketing_without_consent(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags personal data captured for marketing where no consent is recorded.

    Fires when a touchpoint on `email`, `sms`, `ads` or `social` captures a `pii` field
    of an entity in a system of kind `marketing`, and that entity has no field flagged
    `consent`.

    Why it matters: under GDPR and ePrivacy rules, marketing to a person by email or SMS
    needs their recorded consent. If the marketing system's record has no consent field,
    nobody can prove consent was given, unsubscribes cannot be honoured everywhere, and
    every campaign to those contacts is a compliance risk.

    Example:
        entity klaviyo.Subscriber "Subscriber"
          phone: phone pii unique
        touchpoint cart_sms "Abandoned-cart SMS" channel sms score 3 owner crm system klaviyo
          captures klaviyo.Subscriber.phone
    Fix:
        entity klaviyo.Subscriber "Subscriber"
          phone: phone pii unique
          sms_consent: boolean consent
    """
    mp = ctx.map
    for _, _, tp in ctx.index.touchpoints:
        channel = tp.channel.target if tp.channel is not None else None
        if channel is None or channel.removeprefix("channel:") not in MARKETING_CHANNELS:
            continue
        fields: list[str] = []
        entities: dict[str, Entity] = {}
        for ref in tp.captures:
            fld = ctx.index.field(ref.target)
            entity = ctx.index.entity_of(ref.target) if ref.target is not None else None
            if fld is None or entity is None or not fld.pii:
                continue
            system = mp.lookup(entity.system.target or entity.system.text)
            if not isinstance(system, System) or system.kind != "marketing":
                continue
            if any(f.consent for f in entity.fields):
                continue
            fields.append(ref.text)
            entities.setdefault(entity.key, entity)
        if fields:
            notes = tuple(
                Note(f"`{key}` has no field flagged `consent`", keyword_span(entity))
                for key, entity in entities.items()
            )
            yield Hit(
                keyword_span(tp),
                f"touchpoint `{tp.id}` captures {and_list(quoted(dict.fromkeys(fields)))} "
                f"for marketing by {channel.removeprefix('channel:')}, but "
                f"{and_list(quoted(entities))} record{'s' if len(entities) == 1 else ''} "
                "no consent",
                hint="add a consent field to the entity, such as `email_consent: boolean consent`",
                notes=notes,
            )
