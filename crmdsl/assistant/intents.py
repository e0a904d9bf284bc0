"""What a request means: its words in, an intent name and the names it mentions out.

`INTENTS` is the table: for each intent, the phrasings it is understood in, as regular
expressions over the request in lower case (quoted text keeps its case), with named
groups for what they mention (`name`, `new`, `value`, ...). The first pattern that
matches wins, so the table runs from the most specific to the most general.
`recognise(text)` returns `(intent, groups)` or None.
"""

# ruff: noqa: E501  (the table of phrasings: one regular expression a line reads best)

from __future__ import annotations

import re

__all__ = ["EXAMPLES", "INTENTS", "recognise"]

_Q = r"['\"“‘](?P<{0}>[^'\"”’]+)['\"”’]"  # a quoted phrase (group name filled in)
_N = r"(?P<name>.+?)"
_END = r"\s*[?.!]*$"

INTENTS: list[tuple[str, list[str]]] = [
    # ---- edits
    (
        "fix_safe",
        [
            r"^(?:please )?(?:fix|repair) (?:what|everything|all that|whatever) can be fixed(?: safely| automatically)?",
            r"^apply (?:the |all )?safe fix(?:es)?",
            r"^fix (?:it|everything|all)(?: safely)?$",
        ],
    ),
    (
        "how_to_fix",
        [
            rf"^how (?:do|can|should) (?:i|we) fix (?:the )?(?:problems|issues|findings|warnings)(?: (?:in|of|with) {_N})?{_END}",
            rf"^what (?:can|should) (?:i|we) fix(?: in {_N})?{_END}",
        ],
    ),
    (
        "add_touchpoint",
        [
            r"^add (?:a |an )?(?:new )?touchpoint "
            + _Q.format("label")
            + r" (?:to|in|into|under) (?:the )?(?P<stage>[\w .-]+?)(?: stage)?(?: on (?:the )?(?P<channel>[\w-]+)(?: channel)?)?(?:,? (?:owned by|owner) (?:the )?(?P<owner>[\w-]+)(?: team)?)?"
            + _END
        ],
    ),
    (
        "add_text",
        [
            r"^add (?:a |an )?(?P<kw>pain|idea|needs) "
            + _Q.format("text")
            + rf" (?:to|on|for) (?:the )?{_N}(?: touchpoint| persona)?{_END}"
        ],
    ),
    ("add_goal", [r"^add (?:a |an )?(?:new )?goal (?:to )?(?P<text>.+?)" + _END]),
    (
        "declare",
        [
            r"^add (?:a |an )?(?:new )?(?P<kind>team|persona|system|channel|journey|process)(?: (?P<id>[a-z][\w]*))?(?: "
            + _Q.format("label")
            + ")?"
            + _END
        ],
    ),
    (
        "rename",
        [
            rf"^rename (?:the )?{_N} (?:to|as|into) (?P<new>[\w`'\"-]+){_END}",
            rf"^change the id of {_N} to (?P<new>[\w`'\"-]+){_END}",
        ],
    ),
    (
        "connect",
        [
            r"^(?:connect|integrate|link|sync) (?P<a>[\w .-]+?) (?:to|with|and|->) (?P<b>[\w.-]+?)(?P<both> both ways| two-way)?(?: (?P<freq>daily|hourly|realtime|real-time|on change|manually|every \w+))?(?: (?:via|over|through) (?P<via>\w+))?"
            + _END
        ],
    ),
    (
        "make_mode",
        [
            rf"^(?:make|mark|set) (?:the )?(?:step )?{_N} (?:as )?(?:step )?(?P<mode>automated|automatic|manual|by hand){_END}",
            rf"^automate (?:the )?(?:step )?{_N}(?P<mode>){_END}",
        ],
    ),
    (
        "make_flag",
        [
            rf"^(?:make|mark|flag) (?:the )?{_N} (?:as )?(?:a |an )?(?P<flag>moment of truth|moment-of-truth|pii|required|unique){_END}"
        ],
    ),
    (
        "set_clause",
        [
            rf"^(?:set|change|make) (?:the )?(?P<kw>sla|takes|duration|owner|system|score|channel|kind|users|frequency) (?:of|on|for) (?:the )?{_N} (?:to|=|at) (?P<value>.+?){_END}"
        ],
    ),
    (
        "remove",
        [
            rf"^(?:remove|delete|drop|retire|decommission|get rid of) (?:the )?{_N}(?: (?P<kind>touchpoint|step|system|team|integration|goal|process|journey|stage|entity|persona))?{_END}"
        ],
    ),
    # ---- findings and impact
    (
        "impact",
        [
            rf"^what (?:breaks|would break|happens|will break|would happen|is affected) if (?:we |i )?(?:remove|delete|drop|retire|decommission|lose|turn off|switch off) (?:the )?{_N}{_END}",
            rf"^(?:impact|effect) of (?:removing|deleting|retiring) (?:the )?{_N}{_END}",
            rf"^what depends on (?:the )?{_N}{_END}",
        ],
    ),
    (
        "explain",
        [r"^(?:explain|what is|what does|what's|describe|why) (?:rule )?(?P<code>[a-z]\d{3})\b"],
    ),
    (
        "findings",
        [
            rf"^what(?:'s| is) wrong(?: with (?:this map|the map|{_N}))?{_END}",
            rf"^(?:list |show |any )?(?:the )?(?:problems|issues|findings|warnings|errors)(?: (?:in|of|with) {_N})?{_END}",
            r"^(?:check|lint|review) (?:the |this )?map",
            rf"^(?:are there|is there) (?:any )?(?:problems|issues|findings)(?: (?:in|with) {_N})?{_END}",
        ],
    ),
    # ---- journeys
    (
        "pains_without_idea",
        [
            r"pains? (?:that )?(?:have|has|with|without) no ideas?",
            r"pains? without (?:an )?ideas?",
            r"no ideas? (?:yet )?for",
        ],
    ),
    (
        "moments_without_kpi",
        [
            r"moments? of truth (?:that )?(?:have|has|with|without) no kpis?",
            r"moments? of truth without (?:a )?kpis?",
            r"unmeasured moments?",
        ],
    ),
    (
        "unhappiest",
        [
            r"(?:unhappiest|least happy|most unhappy|most frustrated|lowest score|worst (?:touchpoint|moment|experience)|hurts? (?:the )?most)"
        ],
    ),
    (
        "pains",
        [
            rf"^(?:what|which|list|show)?\s*(?:are )?(?:the )?(?:pain ?points?|pains|frictions?)(?: (?:in|of|for|along) (?:the )?{_N})?(?: journey)?{_END}",
            rf"^what hurts (?:in|along) (?:the )?{_N}(?: journey)?{_END}",
            rf"^where (?:does|do) (?:the )?customers? struggle(?: in {_N})?{_END}",
        ],
    ),
    ("moments", [r"moments? of truth", r"\bmots?\b"]),
    # ---- processes
    (
        "longest",
        [
            rf"(?:longest|critical|slowest) path (?:of|in|through|for) (?:the )?{_N}(?: process)?{_END}",
            rf"^how long does (?:the )?{_N}(?: process)? take{_END}",
        ],
    ),
    (
        "handoffs",
        [
            rf"hand-?offs? (?:are there )?(?:in|of|along|for) (?:the )?{_N}(?: process)?{_END}",
            rf"^how (?:many|often) (?:times )?(?:does )?(?:work )?(?:change|changes) (?:hands|teams) in (?:the )?{_N}{_END}",
        ],
    ),
    (
        "no_sla",
        [
            rf"(?:without|with no|no|missing|lack) (?:an? )?slas?(?: (?:in|of) (?:the )?{_N})?{_END}",
            r"wait(?:s|ing)? without (?:a )?(?:promise|sla)",
        ],
    ),
    (
        "steps_by_mode",
        [
            r"(?:which|what|list|show)? ?(?:steps|work) (?:are|is) (?:done )?(?P<mode>manual|by hand|automated|automatic)",
            r"^(?:list |show )?(?:the )?(?P<mode>manual|automated) steps",
        ],
    ),
    # ---- goals
    (
        "roi",
        [
            rf"\b(?:roi|return(?: on investment)?|payback) (?:of|for|on) (?:the )?(?:goal )?{_N}{_END}",
            rf"^(?:is|does) (?:the )?(?:goal )?{_N} (?:worth it|pay off){_END}",
        ],
    ),
    (
        "goals_without_cost",
        [r"goals? (?:that )?(?:have|has|with|without) no costs?", r"goals? without (?:a )?costs?"],
    ),
    (
        "supports",
        [
            rf"^what (?:supports|serves|helps|contributes to) (?:the )?(?:goal )?{_N}{_END}",
            rf"^what is (?:the goal )?{_N} supported by{_END}",
        ],
    ),
    # ---- lineage
    (
        "lineage_from",
        [
            rf"^where (?:does|do) (?:the )?{_N} come from{_END}",
            rf"^(?:what is the )?(?:source|origin) of (?:the )?{_N}{_END}",
        ],
    ),
    (
        "lineage_to",
        [
            rf"^where (?:does|do|is) (?:the )?{_N} (?:go|goes|sent|synced|copied)(?: to)?{_END}",
            rf"^who (?:gets|receives) (?:the )?{_N}{_END}",
        ],
    ),
    (
        "lineage",
        [
            rf"^(?:lineage|trace|data flow) (?:of|for) (?:the )?{_N}{_END}",
            rf"^trace (?:the )?{_N}{_END}",
        ],
    ),
    # ---- lookups
    (
        "pii_systems",
        [
            r"(?:which|what) systems? (?:hold|holds|store|stores|keep|keeps|have|has|contain) (?:any )?(?:pii|personal data|personal information)",
            r"^where is (?:the )?(?:pii|personal data)",
        ],
    ),
    (
        "record_of",
        [
            rf"system of record (?:for|of) (?:the )?{_N}{_END}",
            rf"^(?:which|what) system (?:is the record of|owns the record of|masters) (?:the )?{_N}{_END}",
            rf"^where do (?:the )?{_N} live{_END}",
        ],
    ),
    (
        "owner",
        [
            rf"^who (?:owns|is responsible for|runs|is in charge of|looks after) (?:the )?{_N}{_END}",
            rf"^(?:what is |who is )?(?:the )?owner of (?:the )?{_N}{_END}",
            rf"^whose is (?:the )?{_N}{_END}",
        ],
    ),
    (
        "captures",
        [
            rf"^what (?:data )?(?:does|do) (?:the )?{_N}(?: touchpoint)? (?:capture|collect|record|ask for){_END}",
            rf"^what is captured (?:at|by|in) (?:the )?{_N}{_END}",
        ],
    ),
    (
        "list_kind",
        [
            r"^(?:list|show|which are|what are|name)?\s*(?:me )?(?:the |all |all the )?(?P<kind>teams|personas|channels|systems|entities|journeys|processes|integrations|goals|touchpoints|steps)(?: are there| do we have)?"
            + _END,
            r"^(?:which|what) (?P<kind>teams|personas|channels|systems|entities|journeys|processes|integrations|goals|touchpoints|steps) (?:are there|do we have|exist)",
        ],
    ),
    (
        "interview",
        [
            r"help me map|interview me|map my crm|start (?:a |the )?(?:guided )?(?:interview|discovery)"
        ],
    ),
    ("help", [r"^(?:help|what can you do|\?|examples)\s*[?.!]*$"]),
    (
        "describe",
        [
            rf"^(?:what|who) (?:is|are) (?:the )?{_N}{_END}",
            rf"^(?:tell me about|describe|show|about|find|look up) (?:the )?{_N}{_END}",
        ],
    ),
]

_COMPILED = [(name, [re.compile(p) for p in patterns]) for name, patterns in INTENTS]

#: what the assistant says it can do when it does not understand.
EXAMPLES = [
    "who owns lead_sync",
    "where does Lead.email come from",
    "what are the pain points in onboarding",
    "what is the longest path of lead_to_cash",
    "what breaks if we remove hubspot",
    "what is the ROI of grow",
    "what's wrong with this map",
    "set the SLA of qualify to 4h",
    "add a pain 'slow refunds' to the ticket touchpoint",
]


def _lower_outside_quotes(text: str) -> str:
    parts = re.split(r"(['\"“‘][^'\"”’]*['\"”’])", text)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


def recognise(text: str) -> tuple[str, dict[str, str]] | None:
    """The intent of a request and the groups its pattern caught (None: not understood)."""
    said = " ".join(_lower_outside_quotes(text.strip()).split())
    said = re.sub(
        r"^(?:please|hey|ok|so|and|now|can you|could you|tell me|i want to know)[, ]+", "", said
    )
    for name, patterns in _COMPILED:
        for pattern in patterns:
            found = pattern.search(said)
            if found:
                groups = {k: v.strip() for k, v in found.groupdict().items() if v is not None}
                return name, groups
    return None
