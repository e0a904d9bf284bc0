"""The clause table: which statement may stand where, with which clauses and values.

One table serves the builder (what a line means), the error messages (what was expected
there), the language reference (`docs/language.md` is generated from it), the editor's
completion and the one reference walker (`crmdsl.language.refs`, which resolve, the
query index and rename share). Nothing else in crmdsl knows which clause belongs to
which statement, or where a statement's references stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BUILTIN_CHANNELS",
    "FIELD_FLAGS",
    "FIELD_TYPES",
    "IDEA_STATUSES",
    "LIFECYCLE_WORDS",
    "STATEMENTS",
    "ClauseSpec",
    "HeaderRef",
    "StatementSpec",
    "ValueKind",
    "statement",
]


class ValueKind(StrEnum):
    """What a clause takes after its keyword."""

    FLAG = "flag"
    IDENT = "ident"
    REF = "ref"
    REFS = "refs"
    NAMES = "names"
    STRING = "string"
    INTEGER = "integer"
    SCORE = "score"
    DURATION = "duration"
    DATE = "date"
    QUANTITY = "quantity"
    PERCENT = "percent"
    RATE = "rate"
    CHOICE = "choice"


#: How each value kind is described in error messages and the reference.
VALUE_WORDS: dict[ValueKind, str] = {
    ValueKind.FLAG: "nothing (a flag stands alone)",
    ValueKind.IDENT: "a name such as lifecycle_to_status",
    ValueKind.REF: "an id",
    ValueKind.REFS: "one or more ids separated by commas",
    ValueKind.NAMES: "one or more names separated by commas, such as customer, order",
    ValueKind.STRING: 'a text in quotes such as "Cut the form to 3 fields"',
    ValueKind.INTEGER: "a whole number such as 120 or 250_000",
    ValueKind.SCORE: "a score from 1 to 5",
    ValueKind.DURATION: "a duration such as 4h or 2d",
    ValueKind.DATE: "a date such as 2026-09-01",
    ValueKind.QUANTITY: "a value such as 25%, +10%, 3.5, 2d or 1_000_000 USD",
    ValueKind.PERCENT: "a percent from 0% to 100% such as 40%",
    ValueKind.RATE: "a percent per year such as 10% per year",
    ValueKind.CHOICE: "one of",
}

#: What each kind of reference names, in words.
REF_WORDS: dict[str, str] = {
    "team": "a team id such as sales",
    "persona": "a persona id",
    "channel": "a channel such as web, email or phone",
    "system": "a system id such as salesforce",
    "field": "a field such as hubspot.Contact.email",
    "backstage": "a process step such as lead_to_cash.quote",
    "node": "a step, decision or end of this process",
    "support": "a journey, process, integration or system, or journey.x or process.x",
    "goal": "a goal id",
}


@dataclass(frozen=True)
class ClauseSpec:
    """One clause: keyword, value kind, the model attribute it fills, and its meaning.

    `attr` may be shared by several clauses (an integration's frequencies, a step's
    `manual`/`automated`): only one of them may be given. `flag_value` is what a flag
    stores there. `repeat` clauses may be given many times; their values add up.
    """

    keyword: str
    value: ValueKind
    attr: str
    doc: str
    ref: str = ""
    choices: tuple[str, ...] = ()
    repeat: bool = False
    flag_value: object = True

    def expects(self) -> str:
        """What must follow the keyword, in words."""
        cached: str | None = self.__dict__.get("_expects")
        if cached is None:
            cached = self._expects_words()
            object.__setattr__(self, "_expects", cached)  # frozen, but a cache is not state
        return cached

    def _expects_words(self) -> str:
        if self.value is ValueKind.CHOICE:
            return "one of " + ", ".join(self.choices)
        if self.value in (ValueKind.REF, ValueKind.REFS) and self.ref:
            words = REF_WORDS[self.ref]
            return words if self.value is ValueKind.REF else words + " (a list, with commas)"
        return VALUE_WORDS[self.value]


@dataclass(frozen=True)
class HeaderRef:
    """A reference that stands in a statement's own line, outside any clause.

    `attr` is the model attribute holding it (a dotted path such as `type.ref` reaches
    into a value; a list attribute holds several); `ref` is what it names: a key of
    `REF_WORDS`, or `entity` (a field's `ref(...)`), `source-field` or `target-field`
    (the sides of a `map` line). The statement cannot stand without it (deleting its
    target deletes the statement).
    """

    attr: str
    ref: str


@dataclass(frozen=True)
class StatementSpec:
    """One statement: where it stands, how its header reads, its clauses and children.

    `header` names the header shape the builder reads: `id` (`KW ID "Label"`), `title`,
    `path`, `entity`, `integration`, `flow`, `metric`, `kpi`, `cost`, `mapping`,
    `outcome` or `field`. `list_attr` is the list of the parent model (or of the map)
    that holds these statements; `refs` are the references of the header line.
    """

    keyword: str
    parents: tuple[str, ...]
    header: str
    syntax: str
    doc: str
    clauses: tuple[ClauseSpec, ...] = ()
    children: tuple[str, ...] = ()
    list_attr: str = ""
    refs: tuple[HeaderRef, ...] = ()

    def clause(self, keyword: str) -> ClauseSpec | None:
        """The clause with this keyword, if this statement has it."""
        table: dict[str, ClauseSpec] | None = self.__dict__.get("_by_keyword")
        if table is None:
            table = {c.keyword: c for c in self.clauses}
            object.__setattr__(self, "_by_keyword", table)  # frozen, but a cache is not state
        return table.get(keyword)

    @property
    def clause_words(self) -> tuple[str, ...]:
        """Every clause keyword of this statement, in table order."""
        return tuple(c.keyword for c in self.clauses)


SYSTEM_KINDS = (
    "crm", "marketing", "sales", "erp", "service", "ecommerce", "analytics",
    "data_warehouse", "spreadsheet", "database", "website", "other",
)  # fmt: skip
METHODS = ("api", "webhook", "file", "etl", "manual")
BUILTIN_CHANNELS: dict[str, str] = {
    "web": "Web",
    "email": "Email",
    "phone": "Phone",
    "chat": "Chat",
    "sms": "SMS",
    "social": "Social",
    "ads": "Ads",
    "app": "App",
    "event": "Event",
    "in_person": "In person",
    "partner": "Partner",
    "mail": "Mail",
}
FIELD_TYPES = (
    "string", "text", "email", "phone", "url", "number", "integer", "money", "percent",
    "boolean", "date", "datetime", "id", "enum", "ref",
)  # fmt: skip
FIELD_FLAGS = ("required", "unique", "key", "pii", "readonly", "consent")
#: The lifecycle flags, in the words a map writes them (no flag: current).
LIFECYCLE_WORDS = ("planned", "retiring")
IDEA_STATUSES = ("open", "doing", "done", "dropped")

C, V, H = ClauseSpec, ValueKind, HeaderRef


def _owner(what: str) -> ClauseSpec:
    return C("owner", V.REF, "owner", f"the team that owns the {what}", ref="team")


def _label_text(keyword: str, attr: str, doc: str) -> ClauseSpec:
    return C(keyword, V.STRING, attr, doc, repeat=True)


#: `planned` / `retiring` and the date of the change, on every element that has a lifecycle.
_LIFECYCLE = (
    C("planned", V.FLAG, "lifecycle", "not there yet: in the to-be map only",
      flag_value="planned"),
    C("retiring", V.FLAG, "lifecycle", "on its way out: in the as-is map only",
      flag_value="retiring"),
    C("by", V.DATE, "lifecycle_by",
      "when a planned element arrives or a retiring one goes (after `planned` or `retiring`)"),
)  # fmt: skip


_FREQUENCY = (
    C("every", V.DURATION, "frequency", "runs on a schedule, e.g. `every 15m`"),
    C(
        "realtime",
        V.FLAG,
        "frequency",
        "runs as data changes, within seconds",
        flag_value="realtime",
    ),
    C("hourly", V.FLAG, "frequency", "runs every hour", flag_value="hourly"),
    C("daily", V.FLAG, "frequency", "runs once a day", flag_value="daily"),
    C("on-change", V.FLAG, "frequency", "runs when a record changes", flag_value="on-change"),
    C("manual", V.FLAG, "frequency", "someone runs it by hand", flag_value="manual"),
)

STATEMENTS: dict[str, StatementSpec] = {
    s.keyword: s
    for s in (
        StatementSpec(
            "map", ("top",), "title", 'map "Title"',
            "The map header: makes the file a root. Once, in the root file only.",
            (
                _owner("map"),
                C("reviewed", V.DATE, "reviewed", "when the map was last reviewed"),
                C("description", V.STRING, "description", "what the map covers"),
            ),
        ),
        StatementSpec(
            "include", ("top",), "path", 'include "path.crm"',
            "Adds the declarations of another file (a fragment) to this map. The path is "
            "relative to this file and may not leave the root's folder.",
            list_attr="includes",
        ),
        StatementSpec(
            "team", ("top",), "id", 'team ID "Label"', "A team that owns things.",
            (C("description", V.STRING, "description", "what the team does"),),
            list_attr="teams",
        ),
        StatementSpec(
            "persona", ("top",), "id", 'persona ID "Label"', "A kind of customer.",
            (
                _label_text("needs", "needs", "what this customer needs"),
                _label_text("pain", "pains", "what hurts this customer"),
                _label_text("segment", "segments", "a segment the persona belongs to"),
            ),
            list_attr="personas",
        ),
        StatementSpec(
            "channel", ("top",), "id", 'channel ID "Label"',
            "A channel beyond the built-in ones (declaring a built-in one relabels it).",
            list_attr="channels",
        ),
        StatementSpec(
            "system", ("top",), "id", 'system ID "Label"', "Where customer data lives.",
            (
                C("kind", V.CHOICE, "kind", "what sort of system it is", choices=SYSTEM_KINDS),
                _owner("system"),
                C("users", V.INTEGER, "users", "how many people use it"),
                C("licenses", V.INTEGER, "licenses", "how many user licences are bought"),
                *_LIFECYCLE,
                C(
                    "record-of", V.NAMES, "record_of",
                    "the data domains this system is the system of record for", repeat=True,
                ),
            ),
            ("cost",),
            list_attr="systems",
        ),
        StatementSpec(
            "entity", ("top",), "entity", 'entity SYSTEM.Name "Label"',
            "A kind of record in a system, with its fields (`name: type flags`).",
            (
                C("records", V.INTEGER, "records", "how many records there are"),
                C("growth", V.RATE, "growth", "how fast the records grow, e.g. `10% per year`"),
                C("retain", V.DURATION, "retain", "how long its personal data is kept"),
                *_LIFECYCLE,
            ),
            ("field",),
            list_attr="entities", refs=(H("system", "system"),),
        ),
        StatementSpec(
            "field", ("entity",), "field", "name: TYPE flags",
            "A field of an entity. Types: " + ", ".join(FIELD_TYPES[:-2])
            + ", enum(a, b, \"c d\"), ref(Entity). Flags: " + ", ".join(FIELD_FLAGS)
            + "; `planned` or `retiring`, optionally `by DATE`.",
            _LIFECYCLE,
            list_attr="fields", refs=(H("type.ref", "entity"),),
        ),
        StatementSpec(
            "journey", ("top",), "id", 'journey ID "Label"', "What a persona goes through.",
            (
                C("persona", V.REF, "persona", "who goes through it", ref="persona"),
                _owner("journey"),
            ),
            ("stage",),
            list_attr="journeys",
        ),
        StatementSpec(
            "stage", ("journey",), "id", 'stage ID "Label"', "A stage of a journey.",
            _LIFECYCLE, ("touchpoint",),
            list_attr="stages",
        ),
        StatementSpec(
            "touchpoint", ("stage",), "id", 'touchpoint ID "Label"',
            "A moment where the customer meets the company.",
            (
                C("channel", V.REF, "channel", "where it happens", ref="channel"),
                C("score", V.SCORE, "score", "how the customer feels, 1 (bad) to 5 (great)"),
                _owner("touchpoint"),
                C("system", V.REF, "system", "the system it uses", ref="system"),
                C("moment-of-truth", V.FLAG, "moment_of_truth",
                  "a moment that makes or breaks the relationship"),
                *_LIFECYCLE,
                C("captures", V.REFS, "captures", "fields it records", ref="field", repeat=True),
                _label_text("pain", "pains", "what hurts the customer here"),
                _label_text("evidence", "evidence",
                            'where the score comes from, e.g. "NPS survey Q3 2026, n=412"'),
                C("backstage", V.REFS, "backstage", "process steps behind it",
                  ref="backstage", repeat=True),
            ),
            ("idea", "kpi"),
            list_attr="touchpoints",
        ),
        StatementSpec(
            "idea", ("touchpoint",), "idea", 'idea "Text"',
            "An idea for making the touchpoint better: an item of the improvement backlog.",
            (
                _owner("idea"),
                C("status", V.CHOICE, "status", "where it stands (open when left out)",
                  choices=IDEA_STATUSES),
                C("for", V.REF, "for_goal", "the goal it serves", ref="goal"),
            ),
            list_attr="ideas",
        ),
        StatementSpec(
            "kpi", ("touchpoint",), "kpi", 'kpi "Name" target VALUE',
            "A measure of a touchpoint. A signed percent is relative to the baseline.",
            (
                C("baseline", V.QUANTITY, "baseline", "where it started"),
                C("target", V.QUANTITY, "target", "the level to reach"),
                C("actual", V.QUANTITY, "actual", "the level measured last"),
                C("as-of", V.DATE, "as_of", "when `actual` was measured"),
            ),
            list_attr="kpis",
        ),
        StatementSpec(
            "process", ("top",), "id", 'process ID "Label"',
            "What the company does behind the journeys.",
            (_owner("process"),),
            ("step", "decision", "end", "flow"),
            list_attr="processes",
        ),
        StatementSpec(
            "step", ("process",), "id", 'step ID "Label"', "A step of a process.",
            (
                C("owner", V.REF, "owner", "the team doing it (its swimlane)", ref="team"),
                C("system", V.REF, "system", "the system it uses", ref="system"),
                C("manual", V.FLAG, "mode", "done by hand", flag_value="manual"),
                C("automated", V.FLAG, "mode", "done by a system", flag_value="automated"),
                C("takes", V.DURATION, "takes", "how long it takes"),
                C("sla", V.DURATION, "sla", "how long it may take (the promise)"),
                *_LIFECYCLE,
                C("->", V.REF, "next", "the step it flows to (instead of the next one)",
                  ref="node"),
            ),
            list_attr="nodes",
        ),
        StatementSpec(
            "decision", ("process",), "id", 'decision ID "Label"',
            "A decision; its block holds outcome lines `OUTCOME -> STEP`.",
            _LIFECYCLE, ("outcome",),
            list_attr="nodes",
        ),
        StatementSpec(
            "outcome", ("decision",), "outcome", "OUTCOME -> STEP",
            "An outcome of a decision: an identifier or a string, then where it leads.",
            list_attr="outcomes", refs=(H("target", "node"),),
        ),
        StatementSpec(
            "end", ("process",), "id", 'end ID "Label"', "A terminal point of a process.",
            _LIFECYCLE, list_attr="nodes",
        ),
        StatementSpec(
            "flow", ("process",), "flow", "flow A -> B -> C",
            "Extra sequence flows between steps, decisions and ends of the process.",
            list_attr="flows", refs=(H("refs", "node"),),
        ),
        StatementSpec(
            "integration", ("top",), "integration", 'integration ID "Label" A -> B',
            "Data moving from system A to system B (`A <-> B`: both ways).",
            (
                *_FREQUENCY,
                C("via", V.CHOICE, "via", "how the data moves", choices=METHODS),
                _owner("integration"),
                C("master", V.REF, "master", "who wins a two-way conflict (one of the ends)",
                  ref="system"),
                *_LIFECYCLE,
            ),
            ("map-line",),
            list_attr="integrations", refs=(H("source", "system"), H("target", "system")),
        ),
        StatementSpec(
            "map-line", ("integration",), "mapping", "map Entity.field -> Entity.field",
            "Which field of A feeds which field of B.",
            (
                C("key", V.FLAG, "key", "records are matched on this pair"),
                C("transform", V.IDENT, "transform", "the named conversion applied"),
                *_LIFECYCLE,
            ),
            list_attr="maps", refs=(H("source", "source-field"), H("target", "target-field")),
        ),
        StatementSpec(
            "goal", ("top",), "id", 'goal ID "Label"', "A business goal.",
            (
                _owner("goal"),
                C("horizon", V.DURATION, "horizon",
                  "how long its return is counted over (3y when left out)"),
                C("supported-by", V.REFS, "supported_by", "what serves this goal",
                  ref="support", repeat=True),
            ),
            ("metric", "cost"),
            list_attr="goals",
        ),
        StatementSpec(
            "metric", ("goal",), "metric", "metric NAME baseline VALUE target VALUE by DATE",
            "How the goal is measured. A signed percent target is relative to the baseline.",
            (
                C("baseline", V.QUANTITY, "baseline", "where it starts"),
                C("target", V.QUANTITY, "target", "where it should get to"),
                C("by", V.DATE, "by", "when"),
                C("actual", V.QUANTITY, "actual", "the value measured last"),
                C("as-of", V.DATE, "as_of", "when `actual` was measured"),
                C("margin", V.PERCENT, "margin",
                  "the share of a money metric's change that is profit (100% when left out)"),
            ),
            list_attr="metrics",
        ),
        StatementSpec(
            "cost", ("goal", "system"), "cost", "cost MONEY per year | per month | once",
            "What reaching the goal, or running the system, costs; costs add up.",
            list_attr="costs",
        ),
    )
}  # fmt: skip

#: Statement keywords as they are written, mapped to their table entry (`map` is also
#: an integration's child line, table key `map-line`).
CHILD_KEYWORDS = {"map": "map-line"}

#: Every word that means something somewhere (for "not allowed here" vs "unknown").
KNOWN_WORDS = frozenset(
    [k for k in STATEMENTS if k not in {"field", "outcome", "map-line"}]
    + [c.keyword for s in STATEMENTS.values() for c in s.clauses]
)


def statement(keyword: str) -> StatementSpec:
    """The table entry for a statement keyword."""
    return STATEMENTS[keyword]
