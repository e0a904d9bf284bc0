"""Built statements moved to other lines: a statement in, a copy with its spans moved out.

A block that did not change but moved (lines were added or removed above it) is not
built again: the builder copies what it built before with every span `lines` further
down (`moved`), which costs about half of building it. The copy has its own spans,
references (with the target they had, for the resolver to confirm), lists of
statements and clause-span tables; it shares what holds no place (texts, numbers,
dates, quantities, durations, frequencies, lists of texts); a process's flows
(`edges`) are left empty for the resolver.

The copy functions are generated per model class from its fields, as `dataclasses`
generates `__init__`. A field of a type this module does not know stops the import, so
that a new kind of field is never copied wrongly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from crmdsl import model as m
from crmdsl.errors import Diagnostic, Note, Span

__all__ = ["moved", "moved_diagnostic"]

#: Field types that hold no span: shared by the copy (never changed after a load).
_SHARED_TYPES = ("str", "int", "float", "bool", "dt.date", "Lifecycle", "Duration", "Quantity")
_SHARED = frozenset(("list[str]", "Frequency | None"))

_Mover = Callable[[Any, Callable[[Span], Span]], Any]
_MOVERS: dict[type, _Mover] = {}

_new_span = Span.__new__
_SPAN_SLOTS = tuple(
    getattr(Span, name).__set__ for name in ("file", "line", "col", "end_line", "end_col")
)


def _span_mover(lines: int) -> Callable[[Span], Span]:
    set_file, set_line, set_col, set_end_line, set_end_col = _SPAN_SLOTS

    def move(span: Span) -> Span:
        # what Span(...) does, without the frozen dataclass's checked __setattr__
        out = _new_span(Span)
        set_file(out, span.file)
        set_line(out, span.line + lines)
        set_col(out, span.col)
        set_end_line(out, span.end_line + lines)
        set_end_col(out, span.end_col)
        return out

    return move


def moved(node: m.Node, lines: int) -> m.Node:
    """A copy of a built statement with every span `lines` lines further down."""
    out: m.Node = _MOVERS[type(node)](node, _span_mover(lines))
    return out


def moved_diagnostic(d: Diagnostic, lines: int) -> Diagnostic:
    """A diagnostic of a moved block, with its span and its notes' spans moved."""
    move = _span_mover(lines)
    return dataclasses.replace(
        d,
        span=move(d.span) if d.span is not None else None,
        notes=tuple(Note(n.message, move(n.span) if n.span is not None else None) for n in d.notes),
    )


def _shared(kind: str) -> bool:
    if kind in _SHARED:
        return True
    bare = kind.removesuffix(" | None")
    return bare in _SHARED_TYPES or bare.startswith("Literal[")


def _copy_expression(kind: str, value: str) -> str:
    """Python for the copy of a field of type `kind` (written as annotated) held in `value`."""
    if _shared(kind):
        return value
    optional = kind.endswith(" | None")
    bare = kind.removesuffix(" | None")
    if bare.startswith("list[") and bare.endswith("]"):
        inner = bare[5:-1]
        if inner == "Edge":
            return "[]"  # the resolver's to work out
        return f"[{_copy_expression(inner, 'x')} for x in {value}]"
    if bare == "dict[str, list[Span]]":
        return f"{{k: [move(s) for s in v] for k, v in {value}.items()}}"
    if bare == "Span":
        single = f"move({value})"
    elif all(hasattr(m, part) for part in bare.split(" | ")):
        single = f"MOVERS[{value}.__class__]({value}, move)"
    else:
        raise TypeError(f"moved: no copy for a field of type {kind!r}")
    return f"({single} if {value} is not None else None)" if optional else single


def _mover_source(cls: type) -> str:
    lines = [f"def move_{cls.__name__}(o, move):", "    n = new(cls)"]
    for f in dataclasses.fields(cls):
        assert isinstance(f.type, str), f"{cls.__name__}.{f.name}: annotations are strings"
        lines.append(f"    n.{f.name} = {_copy_expression(f.type, 'o.' + f.name)}")
    lines.append("    return n")
    return "\n".join(lines)


def _generate() -> None:
    classes = [
        c
        for c in vars(m).values()
        if isinstance(c, type)
        and dataclasses.is_dataclass(c)
        and issubclass(c, m.Node | m.Ref | m.Name | m.FieldType)
    ]
    for cls in classes:
        scope: dict[str, Any] = {"new": object.__new__, "cls": cls, "MOVERS": _MOVERS}
        exec(_mover_source(cls), scope)  # noqa: S102 - our own source, from the model's fields
        _MOVERS[cls] = scope[f"move_{cls.__name__}"]


_generate()
