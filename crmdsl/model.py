"""The model: what a map says, as slotted dataclasses, each carrying its source span.

The builder creates these objects and the resolver fills in what references point at
and the process flows. They are plain dataclasses, because what the parser checked needs
no second validation and a check must start fast; pydantic reads them for JSON: `to_json`
writes a map (`crmdsl export json`) and `json_schema` gives its JSON Schema (`crmdsl
schema`), both importing pydantic only when called.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, dataclass_transform

from crmdsl.errors import Span

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = [
    "Channel",
    "Comment",
    "Cost",
    "CrmMap",
    "Decision",
    "Duration",
    "Edge",
    "End",
    "Entity",
    "FieldType",
    "Flow",
    "Frequency",
    "Goal",
    "Idea",
    "Include",
    "Integration",
    "Journey",
    "Kpi",
    "LIFECYCLES",
    "Lifecycle",
    "MapHeader",
    "Mapping",
    "Metric",
    "Name",
    "Outcome",
    "Persona",
    "Process",
    "Quantity",
    "Ref",
    "SUPPRESSION",
    "Stage",
    "Step",
    "System",
    "Team",
    "Touchpoint",
    "EntityField",
    "json_schema",
    "to_json",
]

_T = TypeVar("_T")


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
def _DATA(cls: type[_T]) -> type[_T]:  # noqa: N802 - used as a decorator, like `dataclass`
    """`dataclass(slots=True, kw_only=True)`, spelled so that type checkers see the fields."""
    return dataclass(slots=True, kw_only=True)(cls)


#: A lifecycle as written on an element: no flag (current), `planned` or `retiring`.
Lifecycle = Literal["current", "planned", "retiring"]
LIFECYCLES: tuple[Lifecycle, ...] = ("current", "planned", "retiring")

DURATION_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080, "mo": 43200, "y": 525600}


@_DATA
class Value:
    """Base of small value objects."""


@_DATA
class Ref(Value):
    """A reference as written (`salesforce.Lead.email`) and, once resolved, its target key."""

    text: str
    span: Span
    target: str | None = None

    def __str__(self) -> str:
        return self.text


@_DATA
class Name(Value):
    """A plain name with its place (a `record-of` domain)."""

    value: str
    span: Span


@_DATA
class Duration(Value):
    """A duration such as `4h`: amount and unit (`m h d w mo y`)."""

    amount: int
    unit: Literal["m", "h", "d", "w", "mo", "y"]
    text: str

    @property
    def minutes(self) -> int:
        """In minutes, with 1mo = 30d and 1y = 365d (docs/rules.md)."""
        return self.amount * DURATION_MINUTES[self.unit]

    def __str__(self) -> str:
        return self.text


@_DATA
class Quantity(Value):
    """A number, a percent (`signed` when written `+10%`/`-5%`), money or a duration."""

    kind: Literal["number", "percent", "money", "duration"]
    value: float
    signed: bool = False
    currency: str | None = None
    unit: str | None = None
    text: str

    def __str__(self) -> str:
        return self.text


@_DATA
class Node:
    """A statement of the map. `span` covers its line and its block."""

    statement: ClassVar[str] = ""
    span: Span
    clause_spans: dict[str, list[Span]] = field(default_factory=dict)


@_DATA
class Declared(Node):
    """A statement with an id and an optional label."""

    id: str
    label: str | None = None
    id_span: Span | None = None

    @property
    def title(self) -> str:
        """The label, or the id where the label is left out."""
        return self.label if self.label is not None else self.id


@_DATA
class MapHeader(Node):
    """`map "Title"`: the header that makes a file a root."""

    statement: ClassVar[str] = "map"
    title: str
    owner: Ref | None = None
    reviewed: dt.date | None = None
    description: str | None = None


@_DATA
class Include(Node):
    """`include "path.crm"`; `file` is the path it reached, relative to the root's folder."""

    statement: ClassVar[str] = "include"
    path: str
    file: str | None = None


@_DATA
class Team(Declared):
    """`team ID "Label"`."""

    statement: ClassVar[str] = "team"
    description: str | None = None


@_DATA
class Persona(Declared):
    """`persona ID "Label"` with needs, pains and segments."""

    statement: ClassVar[str] = "persona"
    needs: list[str] = field(default_factory=list)
    pains: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)


@_DATA
class Channel(Declared):
    """A channel: declared with `channel ID "Label"`, or built in."""

    statement: ClassVar[str] = "channel"
    builtin: bool = False


@_DATA
class System(Declared):
    """`system ID "Label"`: where customer data lives, its users, licences and costs."""

    statement: ClassVar[str] = "system"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    kind: str | None = None
    owner: Ref | None = None
    users: int | None = None
    licenses: int | None = None
    record_of: list[Name] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)


@_DATA
class FieldType(Value):
    """A field's type: `string`, ..., `enum(a, b)` with `values`, `ref(Entity)` with `ref`."""

    name: str
    values: list[str] = field(default_factory=list)
    ref: Ref | None = None

    def __str__(self) -> str:
        if self.name == "enum":
            return "enum(" + ", ".join(self.values) + ")"
        if self.name == "ref" and self.ref is not None:
            return f"ref({self.ref.text})"
        return self.name


@_DATA
class EntityField(Node):
    """A field line of an entity: `email: email pii required`."""

    statement: ClassVar[str] = "field"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    name: str
    type: FieldType
    required: bool = False
    unique: bool = False
    key: bool = False
    pii: bool = False
    readonly: bool = False
    consent: bool = False
    name_span: Span | None = None


@_DATA
class Entity(Node):
    """`entity SYSTEM.Name "Label"` with its fields; `growth` is a percent per year."""

    statement: ClassVar[str] = "entity"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    system: Ref
    name: str
    label: str | None = None
    records: int | None = None
    growth: Quantity | None = None
    retain: Duration | None = None
    fields: list[EntityField] = field(default_factory=list)
    id_span: Span | None = None

    @property
    def key(self) -> str:
        """`system.Name`, the way references name it."""
        return f"{self.system.text}.{self.name}"

    @property
    def title(self) -> str:
        """The label, or the entity's own name."""
        return self.label if self.label is not None else self.name


@_DATA
class Kpi(Node):
    """`kpi "Name" baseline V target V actual V as-of DATE` under a touchpoint."""

    statement: ClassVar[str] = "kpi"
    name: str
    baseline: Quantity | None = None
    target: Quantity | None = None
    actual: Quantity | None = None
    as_of: dt.date | None = None


@_DATA
class Idea(Node):
    """`idea "Text" owner TEAM status open|doing|done|dropped for GOAL` under a touchpoint."""

    statement: ClassVar[str] = "idea"
    text: str
    owner: Ref | None = None
    status: Literal["open", "doing", "done", "dropped"] = "open"
    for_goal: Ref | None = None

    def __str__(self) -> str:
        return self.text


@_DATA
class Touchpoint(Declared):
    """A moment where the customer meets the company."""

    statement: ClassVar[str] = "touchpoint"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    channel: Ref | None = None
    score: int | None = None
    owner: Ref | None = None
    system: Ref | None = None
    moment_of_truth: bool = False
    captures: list[Ref] = field(default_factory=list)
    pains: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    backstage: list[Ref] = field(default_factory=list)


@_DATA
class Stage(Declared):
    """A stage of a journey."""

    statement: ClassVar[str] = "stage"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    touchpoints: list[Touchpoint] = field(default_factory=list)


@_DATA
class Journey(Declared):
    """What a persona goes through, stage by stage."""

    statement: ClassVar[str] = "journey"
    persona: Ref | None = None
    owner: Ref | None = None
    stages: list[Stage] = field(default_factory=list)


@_DATA
class Step(Declared):
    """A step of a process."""

    statement: ClassVar[str] = "step"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    node: Literal["step"] = "step"
    owner: Ref | None = None
    system: Ref | None = None
    takes: Duration | None = None
    sla: Duration | None = None
    mode: Literal["manual", "automated"] | None = None
    next: Ref | None = None


@_DATA
class Outcome(Node):
    """`OUTCOME -> STEP` under a decision (`quoted` when the label was a string)."""

    statement: ClassVar[str] = "outcome"
    label: str
    quoted: bool = False
    target: Ref


@_DATA
class Decision(Declared):
    """A decision with labelled outcomes."""

    statement: ClassVar[str] = "decision"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    node: Literal["decision"] = "decision"
    outcomes: list[Outcome] = field(default_factory=list)


@_DATA
class End(Declared):
    """A terminal point of a process."""

    statement: ClassVar[str] = "end"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    node: Literal["end"] = "end"


@_DATA
class Flow(Node):
    """`flow A -> B -> C`: extra sequence flows."""

    statement: ClassVar[str] = "flow"
    refs: list[Ref]


@_DATA
class Edge(Value):
    """One sequence flow of a process, after resolve.

    `origin` says where it comes from: `next` (block order), `arrow` (`-> X`), `outcome`
    (a decision's outcome, `label` set) or `flow` (a `flow` line).
    """

    source: str
    target: str
    label: str | None = None
    origin: Literal["next", "arrow", "outcome", "flow"]
    span: Span


@_DATA
class Process(Declared):
    """What the company does: steps, decisions, ends and the flows between them."""

    statement: ClassVar[str] = "process"
    owner: Ref | None = None
    nodes: list[Step | Decision | End] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def start(self) -> Step | Decision | End | None:
        """The first step, decision or end of the block."""
        return self.nodes[0] if self.nodes else None

    def node(self, node_id: str) -> Step | Decision | End | None:
        """The step, decision or end with this id."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None


@_DATA
class Frequency(Value):
    """How often an integration runs: `every 15m`, `realtime`, `hourly`, ..."""

    kind: Literal["every", "realtime", "hourly", "daily", "on-change", "manual"]
    every: Duration | None = None

    def __str__(self) -> str:
        return f"every {self.every}" if self.every is not None else self.kind


@_DATA
class Mapping(Node):
    """`map Entity.field -> Entity.field` in an integration."""

    statement: ClassVar[str] = "map-line"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    source: Ref
    target: Ref
    key: bool = False
    transform: str | None = None


@_DATA
class Integration(Declared):
    """`integration ID "Label" A -> B` (or `A <-> B`): data moving between systems."""

    statement: ClassVar[str] = "integration"
    lifecycle: Lifecycle = "current"
    lifecycle_by: dt.date | None = None
    source: Ref
    target: Ref
    two_way: bool = False
    frequency: Frequency | None = None
    via: str | None = None
    owner: Ref | None = None
    master: Ref | None = None
    maps: list[Mapping] = field(default_factory=list)


@_DATA
class Metric(Node):
    """`metric NAME baseline V target V by DATE actual V as-of DATE margin PERCENT`.

    `margin` is the share of a money metric's change that is profit (None: 100%).
    """

    statement: ClassVar[str] = "metric"
    name: str
    baseline: Quantity | None = None
    target: Quantity | None = None
    by: dt.date | None = None
    actual: Quantity | None = None
    as_of: dt.date | None = None
    margin: Quantity | None = None


@_DATA
class Cost(Node):
    """`cost 40_000 USD per year` (or `per month`, `once`)."""

    statement: ClassVar[str] = "cost"
    amount: Quantity
    period: Literal["year", "month", "once"]


@_DATA
class Goal(Declared):
    """A business goal with metrics, costs and what supports it."""

    statement: ClassVar[str] = "goal"
    owner: Ref | None = None
    horizon: Duration | None = None
    metrics: list[Metric] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    supported_by: list[Ref] = field(default_factory=list)


#: A suppression comment, `# crmdsl: ignore[CODES]` or `# crmdsl: ignore-file[CODES]`:
#: group 1 is `ignore` or `ignore-file`, group 2 the codes as written.
SUPPRESSION = re.compile(r"#\s*crmdsl:\s*(ignore|ignore-file)\s*\[([^\]]*)\]")


@_DATA
class Comment(Value):
    """A comment as written, kept for the linter (suppressions) and the formatter."""

    file: str
    line: int
    col: int
    text: str
    own_line: bool


@dataclass(kw_only=True)
class CrmMap:
    """A whole map: a root file and every file it includes, resolved."""

    root: str | None = None
    files: list[str] = field(default_factory=list)
    header: MapHeader | None = None
    includes: list[Include] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    personas: list[Persona] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)
    integrations: list[Integration] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._symbols: dict[str, Any] = {}
        #: every reference of the map, as `crmdsl.language.refs.walk_refs` found them
        #: (kept: the references of a loaded map do not change)
        self._ref_sites: list[Any] | None = None
        #: the effective lifecycles, as `crmdsl.query.lifecycle.lifecycles` found them
        self._lifecycles: dict[int, Lifecycle] | None = None

    @property
    def title(self) -> str | None:
        """The map's title from its header."""
        return self.header.title if self.header else None

    def lookup(self, key: str) -> Any:
        """What a resolved reference key points at (`salesforce.Lead.email`, `sales`, ...).

        Keys are those in `Ref.target`: top-level ids, `channel:ID`, `System.Entity`,
        `System.Entity.field`, `journey.x`, `process.x`. None when there is no such thing.
        """
        return self._symbols.get(key)

    def channel(self, channel_id: str) -> Channel | None:
        """A channel by id, built-in or declared."""
        found = self._symbols.get(f"channel:{channel_id}")
        return found if isinstance(found, Channel) else None

    def symbols(self) -> dict[str, Any]:
        """Every resolvable key and what it names (a copy)."""
        return dict(self._symbols)


@functools.cache
def _adapter() -> TypeAdapter[CrmMap]:
    """The pydantic adapter for `CrmMap`, built once (building it takes some 30 ms)."""
    from pydantic import TypeAdapter

    return TypeAdapter(CrmMap)


def to_json(crm_map: CrmMap, indent: int | None = 2) -> str:
    """The map as JSON text (what `crmdsl export json` writes); imports pydantic.

    A loaded map holds only Unicode characters (the loader turns lone surrogates into
    load errors), so its JSON is always valid UTF-8.
    """
    return _adapter().dump_json(crm_map, indent=indent).decode("utf-8")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `to_json`'s output (what `crmdsl schema` prints)."""
    return _adapter().json_schema(mode="serialization")
