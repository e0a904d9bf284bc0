"""The one layer between user text and Mermaid: escaping, safe ids, deterministic builders.

(The text part, labels, ids and limits, is `crmdsl.views.mermaid_text`; this module
re-exports it at run time. Its `__all__` is derived from mermaid_text's, which type
checkers do not follow: typed code imports those names from mermaid_text itself.)

In: user text (labels, titles, ids, journey scores) and the structure a view wants
(nodes, edges, subgraphs, entities, journey sections). Out: Mermaid text that parses,
shows every label exactly as the user wrote it, cannot inject markup, and is the same
bytes for the same input (no set or hash order reaches the output).

- Labels: every character outside ASCII letters, digits and space becomes a Mermaid
  decimal entity code (``#35;`` for ``#``), see `encode_label`. Line breaks become
  ``<br>`` in flowchart and erDiagram labels; journeys cannot break lines and show a
  space. A space after the word ``direction`` is encoded too: Mermaid's flowchart and
  erDiagram lexers take any line containing ``direction LR`` (TB, BT, RL, TD) for a
  direction statement and drop the rest of it.
- Ids: `SafeIds` maps user ids to ``<prefix>_<body>`` with a reversible, lower-case
  body, so case-only differences stay distinct, no id is a Mermaid keyword, and the id
  depends on nothing but the user id.
- Builders (`Flowchart`, `EntityDiagram`, `Journey`) drive mermaid-py 0.9.0 for the
  lines it writes correctly (nodes, edges, class definitions, ER relationships, journey
  sections and tasks) and write the rest themselves (see the comments there for why).
  mermaid-py is imported lazily, once, with its stdout chatter swallowed.
- `check_limits` enforces Mermaid's default limits (500 edges, 50,000 characters).

Hosts running an older Mermaid get compatible text through ``mermaid_version``
(``"10.4"``): before 11.3 the ``document`` shape is a plain box; before 11.0 line
breaks in erDiagram text are spaces; before 10.5 erDiagram entities have no aliases, so
an entity is named by its quoted label instead (labels must then be unique), and
journeys cannot widen their actor legend. Versions before 10.0 are refused.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Protocol

from crmdsl.views import mermaid_text
from crmdsl.views.mermaid_text import (  # noqa: F401 - re-exported
    _ENTITY,
    _ER_ALIASES_SINCE,
    _ER_CLASSES_SINCE,
    _ER_LINE_BREAKS_SINCE,
    _EXTENDED_SHAPES_SINCE,
    _OLDEST_SUPPORTED,
    EDGE_HEADS,
    EDGE_SHAPES,
    ER_CARDINALITIES,
    EXTENDED_SHAPES,
    JOURNEY_KEYWORDS,
    MAX_EDGES,
    MAX_TEXT_SIZE,
    MERMAID_KEYWORDS,
    NODE_SHAPES,
    EdgeShape,
    MermaidInputError,
    MermaidLimitError,
    SafeIds,
    _visible_label,
    check_limits,
    decode_label,
    encode_journey_text,
    encode_label,
    encode_multiline_label,
    er_token,
    is_invisible,
    journey_score,
    sanitize_text,
)

__all__ = [*mermaid_text.__all__, "EntityDiagram", "Flowchart", "Journey"]


def _parse_version(version: str | None) -> tuple[int, int]:
    if version is None:
        return (99, 0)
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.\d+)?", version.strip())
    if not match:
        raise MermaidInputError(f"mermaid_version must look like '10.7', not {version!r}")
    parsed = (int(match.group(1)), int(match.group(2) or 0))
    if parsed < _OLDEST_SUPPORTED:
        raise MermaidInputError(f"crmdsl writes Mermaid 10.0 or later, not {version}")
    return parsed


def _front_matter(title: str | None) -> str:
    # mermaid-py writes `title: <raw text>` into the YAML front matter: a `#` starts a
    # YAML comment there, a `: ` or a newline breaks the YAML. Mermaid does not decode
    # `#35;` codes in front matter either, so the title is written as a JSON string,
    # which is valid YAML and shows exactly (ASCII only, with \u escapes).
    if title is None:
        return ""
    return f"---\ntitle: {json.dumps(sanitize_text(title), ensure_ascii=True)}\n---\n"


@functools.cache
def _mermaid_py() -> SimpleNamespace:
    # `import mermaid` prints a warning to stdout when IPython is missing (and imports
    # requests): import once, on first use, with stdout swallowed.
    with contextlib.redirect_stdout(io.StringIO()):
        from mermaid.erdiagram import Link as ERLink
        from mermaid.flowchart import Link, Node
        from mermaid.style import Style
        from mermaid.userjourney import Actor, Section, Task
    return SimpleNamespace(
        ERLink=ERLink, Link=Link, Node=Node, Style=Style, Actor=Actor, Section=Section, Task=Task
    )


# --- flowchart ------------------------------------------------------------------------

_CLASS_NAME = re.compile(r"[a-z][a-z0-9_]*")
_STYLE_VALUE = re.compile(r"[#A-Za-z0-9.%() -]+")
_STYLE_KEYS = ("fill", "color", "font_weight", "stroke_width", "stroke", "stroke_dasharray")
_DIRECTIONS = ("LR", "RL", "TB", "BT", "TD")


class _Named(Protocol):
    """A mermaid-py class definition, as far as a node needs it: its name."""

    name: str


@dataclass
class _ExtendedNode:
    id_: str  # the attribute name mermaid-py's Link reads
    shape: str
    label: str
    styles: list[_Named]

    def __str__(self) -> str:
        lines = [f'{self.id_}@{{ shape: {self.shape}, label: "{self.label}" }}']
        lines += [f"{self.id_}:::{style.name}" for style in self.styles]
        return "\n".join(lines)


@dataclass
class _Group:
    safe_id: str
    title: str
    direction: str | None
    members: list[str] = field(default_factory=list)  # safe ids, nodes and groups
    classes: list[str] = field(default_factory=list)


def _check_class(name: str, style: dict[str, str], defined: Collection[str]) -> None:
    """Refuse a class name Mermaid would misread, a style it would not take, a second definition."""
    if not _CLASS_NAME.fullmatch(name) or name in MERMAID_KEYWORDS:
        raise MermaidInputError(f"a class name must match [a-z][a-z0-9_]*, not {name!r}")
    for key, value in style.items():
        if key not in _STYLE_KEYS or not _STYLE_VALUE.fullmatch(value):
            raise MermaidInputError(f"bad style {key}={value!r}")
    if name in defined:
        raise MermaidInputError(f"class {name!r} is defined twice")


class Flowchart:
    """A deterministic, escaped Mermaid flowchart.

    Declare nodes and subgraphs with user ids and labels; both return the Mermaid id
    that edges and classes refer to. Output follows declaration order. Node ids use
    ``SafeIds(namespace)`` (default ``n``), subgraph ids ``SafeIds("g")``.
    """

    def __init__(
        self, direction: str = "LR", *, title: str | None = None, mermaid_version: str | None = None
    ) -> None:
        """Start an empty flowchart drawn in ``direction`` (LR, RL, TB, BT, TD)."""
        if direction not in _DIRECTIONS:
            raise MermaidInputError(
                f"direction must be one of {', '.join(_DIRECTIONS)}, not {direction!r}"
            )
        self._version = _parse_version(mermaid_version)
        self.direction = direction
        self.title = title
        self._nodes: dict[str, object] = {}  # safe id -> mermaid-py Node
        self._groups: dict[str, _Group] = {}
        self._top: list[str] = []
        self._edges: list[object] = []
        self._class_defs: dict[str, _Named] = {}

    @property
    def edge_count(self) -> int:
        """How many edges the flowchart has (Mermaid's maxEdges counts these)."""
        return len(self._edges)

    def _place(self, safe_id: str, parent: str | None) -> None:
        if safe_id in self._nodes or safe_id in self._groups:
            raise MermaidInputError(f"{safe_id} is declared twice")
        if parent is None:
            self._top.append(safe_id)
        elif parent in self._groups:
            self._groups[parent].members.append(safe_id)
        else:
            raise MermaidInputError(
                f"unknown subgraph {parent!r}: declare it with subgraph() first"
            )

    def subgraph(
        self,
        user_id: str,
        title: str | None = None,
        *,
        parent: str | None = None,
        direction: str | None = None,
        classes: Sequence[str] = (),
    ) -> str:
        """Declare a subgraph (inside ``parent``, a subgraph id) and return its id.

        ``classes`` (defined by `class_def`) style its box, as they style a node.
        """
        if direction is not None and direction not in _DIRECTIONS:
            raise MermaidInputError(
                f"direction must be one of {', '.join(_DIRECTIONS)}, not {direction!r}"
            )
        names = self._known_classes(classes)
        safe_id = SafeIds("g")(user_id)
        self._place(safe_id, parent)
        label = user_id if title is None else title
        self._groups[safe_id] = _Group(safe_id, _visible_label(label), direction, classes=names)
        return safe_id

    def node(
        self,
        user_id: str,
        label: str | None = None,
        *,
        shape: str = "normal",
        subgraph: str | None = None,
        classes: Sequence[str] = (),
        namespace: str = "n",
    ) -> str:
        """Declare a node (its label defaults to the user id) and return its id."""
        if shape not in NODE_SHAPES and shape not in EXTENDED_SHAPES:
            known = ", ".join((*NODE_SHAPES, *EXTENDED_SHAPES))
            raise MermaidInputError(f"unknown node shape {shape!r}; use one of {known}")
        if namespace == "g":
            raise MermaidInputError("the id namespace 'g' is reserved for subgraphs")
        safe_id = SafeIds(namespace)(user_id)
        styles = [self._class_defs[name] for name in self._known_classes(classes)]
        self._place(safe_id, subgraph)
        mp = _mermaid_py()
        encoded = _visible_label(user_id if label is None else label)
        if shape in EXTENDED_SHAPES:
            new_shape, classic_shape = EXTENDED_SHAPES[shape]
            if self._version >= _EXTENDED_SHAPES_SINCE:
                # mermaid-py 0.9 predates the `@{ shape: ... }` syntax.
                self._nodes[safe_id] = _ExtendedNode(safe_id, new_shape, encoded, styles)
                return safe_id
            shape = classic_shape
        node = mp.Node(safe_id, encoded, shape=shape, styles=styles)
        if node.id_ != safe_id:  # mermaid-py lowercases ids; ours are lower-case already
            raise AssertionError(f"mermaid-py changed id {safe_id} to {node.id_}")
        self._nodes[safe_id] = node
        return safe_id

    def _known_classes(self, classes: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(classes))
        unknown = [name for name in names if name not in self._class_defs]
        if unknown:
            raise MermaidInputError(f"class {unknown[0]!r} is not defined: call class_def() first")
        return names

    def edge(
        self,
        source: str,
        target: str,
        label: str | None = None,
        *,
        shape: EdgeShape = "normal",
        head_left: str = "none",
        head_right: str = "arrow",
    ) -> None:
        """Connect two declared ids (nodes or subgraphs), with an optional label."""
        if shape not in EDGE_SHAPES:
            raise MermaidInputError(
                f"unknown edge shape {shape!r}; use one of {', '.join(EDGE_SHAPES)}"
            )
        if (head_left, head_right) not in EDGE_HEADS:
            raise MermaidInputError(f"Mermaid cannot draw arrow heads {head_left!r}/{head_right!r}")
        if shape == "hidden" and (label or (head_left, head_right) != ("none", "none")):
            raise MermaidInputError("a hidden edge can have neither a label nor arrow heads")
        mp = _mermaid_py()
        ends = [self._endpoint(safe_id, mp) for safe_id in (source, target)]
        message = "" if label is None or is_invisible(label) else encode_multiline_label(label)
        link = mp.Link(ends[0], ends[1], shape, head_left, head_right, message)
        if (head_left, head_right) == ("none", "none") and shape in ("normal", "thick"):
            # mermaid-py writes `--` and `==` for head-less lines; Mermaid needs three.
            link.shape += link.shape[0]
        self._edges.append(link)

    def _endpoint(self, safe_id: str, mp: SimpleNamespace) -> object:
        if safe_id in self._nodes:
            return self._nodes[safe_id]
        if safe_id in self._groups:
            return mp.Node(safe_id)
        raise MermaidInputError(f"{safe_id!r} is not a declared node or subgraph id")

    def class_def(self, name: str, **style: str) -> None:
        """Define a class: ``fill``, ``color``, ``font_weight``, ``stroke_width``, ``stroke``.

        Also ``stroke_dasharray`` (``"5 5"``: a dashed border).
        """
        _check_class(name, style, self._class_defs)
        dashes = style.pop("stroke_dasharray", None)
        other = f"stroke-dasharray:{dashes}" if dashes else None
        self._class_defs[name] = _mermaid_py().Style(name, other=other, **style)

    def to_mermaid(self, *, check: bool = True) -> str:
        """Return the Mermaid text (checking Mermaid's limits unless ``check=False``)."""
        # mermaid-py's FlowChart keeps class definitions in a set (order varies with the
        # hash seed), turns an empty subgraph into a node, forces `direction LR` on every
        # subgraph, and writes the title unescaped into YAML; so the document and the
        # subgraph blocks are assembled here, and mermaid-py writes the node, edge and
        # classDef lines.
        lines = [f"flowchart {self.direction}"]
        lines += [f"\t{style}" for style in self._class_defs.values()]
        for safe_id in self._top:
            self._emit(safe_id, 1, lines)
        lines += [f"\t{edge}" for edge in self._edges]
        lines += [
            f"\tclass {group.safe_id} {name}"
            for group in self._groups.values()
            for name in group.classes
        ]
        text = _front_matter(self.title) + "\n".join(lines) + "\n"
        if check:
            check_limits(text, self.edge_count)
        return text

    def _emit(self, safe_id: str, depth: int, lines: list[str]) -> None:
        indent = "\t" * depth
        group = self._groups.get(safe_id)
        if group is None:
            lines += [indent + line for line in str(self._nodes[safe_id]).split("\n")]
            return
        lines.append(f'{indent}subgraph {group.safe_id} ["{group.title}"]')
        if group.direction:
            lines.append(f"{indent}\tdirection {group.direction}")
        for member in group.members:
            self._emit(member, depth + 1, lines)
        lines.append(f"{indent}end")


# --- erDiagram --------------------------------------------------------------------------


@dataclass
class _Entity:
    name: str  # what relationships refer to: the safe id, or the quoted label
    label: str
    attributes: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


class EntityDiagram:
    """A deterministic, escaped Mermaid erDiagram (entities, attributes, relationships)."""

    def __init__(self, *, title: str | None = None, mermaid_version: str | None = None) -> None:
        """Start an empty erDiagram."""
        self.title = title
        version = _parse_version(mermaid_version)
        self._aliases = version >= _ER_ALIASES_SINCE
        self._classes = version >= _ER_CLASSES_SINCE
        self._class_defs: dict[str, str] = {}
        # Mermaid 10 shows `<br>` in erDiagram text as written; a line feed code shows
        # as a space there.
        self._encode = encode_multiline_label if version >= _ER_LINE_BREAKS_SINCE else encode_label
        self._ids = SafeIds("e")
        self._entities: dict[str, _Entity] = {}
        self._relationships: list[object] = []

    @property
    def edge_count(self) -> int:
        """How many relationships the diagram has."""
        return len(self._relationships)

    def class_def(self, name: str, **style: str) -> None:
        """Define a class, with the styles `Flowchart.class_def` takes.

        Before Mermaid 11.6 an erDiagram has no classes: they are left out.
        """
        _check_class(name, style, self._class_defs)
        self._class_defs[name] = ",".join(
            f"{key.replace('_', '-')}:{value}" for key, value in style.items()
        )

    def entity(self, user_id: str, label: str | None = None, *, classes: Sequence[str] = ()) -> str:
        """Declare an entity shown as ``label`` (default: the user id); return its id.

        ``classes`` (defined by `class_def`) style its box.
        """
        unknown = [name for name in classes if name not in self._class_defs]
        if unknown:
            raise MermaidInputError(f"class {unknown[0]!r} is not defined: call class_def() first")
        safe_id = self._ids(user_id)
        if safe_id in self._entities:
            raise MermaidInputError(f"entity {user_id!r} is declared twice")
        encoded = _visible_label(
            user_id if label is None else label, line_breaks=self._encode is encode_multiline_label
        )
        name = safe_id
        if not self._aliases:
            # Before Mermaid 10.5 an entity cannot have an alias: name it by its quoted
            # label, which then has to be unique (and cannot break lines).
            shown = user_id if label is None else label
            name = '"#32;"' if is_invisible(shown) else f'"{encode_label(shown)}"'
            if any(entity.name == name for entity in self._entities.values()):
                raise MermaidInputError(
                    f"two entities are labelled {label!r}; "
                    "Mermaid before 10.5 cannot tell them apart"
                )
        self._entities[safe_id] = _Entity(name, encoded, classes=list(dict.fromkeys(classes)))
        return safe_id

    def attribute(
        self,
        entity_id: str,
        name: str,
        type_: str = "string",
        *,
        keys: Sequence[str] = (),
        comment: str | None = None,
    ) -> None:
        """Add an attribute; ``name`` and ``type_`` go through `er_token`."""
        entity = self._entity(entity_id)
        bad_keys = [key for key in keys if key not in ("PK", "FK", "UK")]
        if bad_keys:
            raise MermaidInputError(f"an attribute key must be PK, FK or UK, not {bad_keys[0]!r}")
        parts = [er_token(type_), er_token(name)]
        if keys:
            parts.append(", ".join(dict.fromkeys(keys)))
        if comment is not None and not is_invisible(comment):
            parts.append(f'"{self._encode(comment)}"')
        entity.attributes.append(" ".join(parts))

    def relationship(
        self,
        left_id: str,
        right_id: str,
        label: str = "",
        *,
        left: str = "exactly-one",
        right: str = "zero-or-more",
        dotted: bool = False,
    ) -> None:
        """Relate two declared entities (cardinalities from `ER_CARDINALITIES`)."""
        for cardinality in (left, right):
            if cardinality not in ER_CARDINALITIES:
                raise MermaidInputError(
                    f"unknown cardinality {cardinality!r}; use one of {', '.join(ER_CARDINALITIES)}"
                )
        mp = _mermaid_py()
        # mermaid-py's ER entities have no alias, so its Link gets stand-ins that carry
        # only the name to print.
        ends = [SimpleNamespace(name=self._entity(safe_id).name) for safe_id in (left_id, right_id)]
        self._relationships.append(
            mp.ERLink(
                ends[0],
                ends[1],
                left,
                right,
                "" if is_invisible(label) else self._encode(label),
                dotted,
            )
        )

    def _entity(self, safe_id: str) -> _Entity:
        if safe_id not in self._entities:
            raise MermaidInputError(f"{safe_id!r} is not a declared entity id")
        return self._entities[safe_id]

    def to_mermaid(self, *, check: bool = True) -> str:
        """Return the Mermaid text (checking Mermaid's limits unless ``check=False``)."""
        lines = ["erDiagram"]
        for entity in self._entities.values():
            head = f'{entity.name}["{entity.label}"]' if self._aliases else entity.name
            if entity.attributes:
                lines.append(f"\t{head} {{")
                lines += [f"\t\t{attribute}" for attribute in entity.attributes]
                lines.append("\t}")
            else:
                lines.append(f"\t{head}")
        lines += [f"\t{relationship}" for relationship in self._relationships]
        if self._classes:
            used = {name for entity in self._entities.values() for name in entity.classes}
            lines += [
                f"\tclassDef {name} {css}" for name, css in self._class_defs.items() if name in used
            ]
            lines += [
                f"\tclass {entity.name} {name}"
                for entity in self._entities.values()
                for name in entity.classes
            ]
        text = _front_matter(self.title) + "\n".join(lines) + "\n"
        if check:
            check_limits(text, self.edge_count)
        return text


# --- journey ----------------------------------------------------------------------------


# Mermaid wraps a journey actor's name in the legend at 360 px, breaking words too long
# for a line character by character: inside the placeholders it has put in place of
# entity codes (`#35;` is `ﬂ°°35¶ß` while it measures), which then decode to other
# characters or to invalid XML, and with `-` added. A journey whose actors have such a
# word gets a legend wide enough for it (front matter config, Mermaid 10.5 and later).
_FRONT_MATTER_CONFIG_SINCE = (10, 5)
_WIDE_LEGEND = 100_000
_LEGEND_SAFE_PX = 300


def _breaks_legend(encoded: str) -> bool:
    """Whether a space-free run of an encoded actor name may be wider than the legend."""
    for word in encoded.split(" "):
        # a letter or digit is at most ~12 px wide at 16 px; a placeholder ~40 px + digits
        entities = _ENTITY.findall(word)
        plain = len(_ENTITY.sub("", word))
        width = 12 * plain + sum(40 + 10 * len(code) for code in entities)
        if width > _LEGEND_SAFE_PX:
            return True
    return False


class Journey:
    """A deterministic, escaped Mermaid user journey: sections of scored tasks."""

    def __init__(self, title: str | None = None, *, mermaid_version: str | None = None) -> None:
        """Start an empty journey."""
        self._version = _parse_version(mermaid_version)
        self.title = title
        self._items: list[object] = []  # mermaid-py Sections, and Tasks before any section
        self._tasks = 0
        self._wide_legend = False

    def section(self, name: str) -> None:
        """Start a section; the tasks added next belong to it."""
        self._items.append(_mermaid_py().Section(encode_journey_text(name), []))

    def task(self, name: str, score: int, actors: Sequence[str] = ()) -> None:
        """Add a task with a score from 1 to 5 and the actors taking part."""
        mp = _mermaid_py()
        people = [mp.Actor(encode_journey_text(actor)) for actor in actors]
        self._wide_legend |= any(_breaks_legend(person.name) for person in people)
        task = mp.Task(encode_journey_text(name), journey_score(score), people)
        if self._items and isinstance(self._items[-1], mp.Section):
            self._items[-1].tasks.append(task)
        else:
            self._items.append(task)
        self._tasks += 1

    def to_mermaid(self, *, check: bool = True) -> str:
        """Return the Mermaid text (checking Mermaid's limits unless ``check=False``)."""
        # mermaid-py's UserJourney also writes the title, unescaped, into YAML front
        # matter; the journey's own `title` statement is enough and takes codes.
        lines = ["journey"]
        if self._wide_legend and self._version >= _FRONT_MATTER_CONFIG_SINCE:
            lines[:0] = [
                "---",
                "config:",
                "  journey:",
                f"    maxLabelWidth: {_WIDE_LEGEND}",
                "---",
            ]
        if self.title:
            lines.append(f"\ttitle {encode_journey_text(self.title)}")
        text = (
            "\n".join(lines)
            + "\n"
            + "".join(f"{item}\n".replace("\n\n", "\n") for item in self._items)
        )
        if check:
            check_limits(text, 0)
        return text
