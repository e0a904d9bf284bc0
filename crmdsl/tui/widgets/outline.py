"""The outline pane: the map's document symbols as a tree that follows the cursor.

In: the outline items of the last map that loaded, under one node per file when the map
has several (`crmdsl.document_symbols`: map →
journeys → stages → touchpoints, processes → steps, systems → entities → fields, ...),
and the cursor's place (`follow(file, line)`). Out: `OutlinePane.Jump` when an item is
chosen. Moments of truth, manual steps and pii fields carry a mark. A note says when the
text has load errors and the tree shows the last map that loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

import crmdsl

__all__ = ["MARKS", "FileItem", "OutlinePane", "by_file"]

#: How an item's marks show in the tree.
MARKS: dict[str, tuple[str, str]] = {
    "moment-of-truth": ("★", "bold yellow"),
    "manual": ("✋", "magenta"),
    "pii": ("pii", "bold red"),
}

Item = Any  # crmdsl's OutlineItem: kind, id, label, span, statement, marks, children


class OutlinePane(Vertical):
    """A tree of the map's declarations with a note line above it."""

    class Jump(Message):
        """The user chose an item: go to its place."""

        def __init__(self, file: str, line: int, col: int) -> None:
            super().__init__()
            self.file, self.line, self.col = file, line, col

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._outline: Sequence[Item] = ()
        self._tree_items: list[tuple[Item, TreeNode[Item]]] = []
        self._follows = False

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        yield Static("", id="outline-note")
        tree: Tree[Item] = Tree("map", id="outline-tree")
        tree.show_root = False
        yield tree

    def show(self, items: Sequence[Item], note: str = "") -> None:
        """Show the outline items and a note.

        The tree is rebuilt only when its structure changed (kinds, ids, marks,
        nesting); otherwise each node takes its new item (places move as lines are
        typed) and only a changed label is redrawn.
        """
        self.query_one("#outline-note", Static).update(Text(note))
        flat = list(_walk(items))
        if [_structure(i) for i in flat] == [_structure(i) for i, _ in self._tree_items]:
            for item, (old, node) in zip(flat, self._tree_items, strict=True):
                node.data = item
                if item.label != old.label:
                    node.set_label(_label(item))
            self._tree_items = [
                (item, node) for item, (_, node) in zip(flat, self._tree_items, strict=True)
            ]
            self._outline = items
            return
        self._outline = items
        tree: Tree[Item] = self.query_one("#outline-tree", Tree)
        tree.clear()
        self._tree_items = []
        self._add(tree.root, items)
        tree.root.expand_all()

    def _add(self, parent: TreeNode[Item], items: Sequence[Item]) -> None:
        for item in items:
            children = list(getattr(item, "children", ()) or ())
            label = _label(item)
            node = parent.add(label, data=item) if children else parent.add_leaf(label, data=item)
            self._tree_items.append((item, node))
            self._add(node, children)

    def follow(self, file: str, line: int) -> None:
        """Select the innermost item whose span holds the cursor's line."""
        best: TreeNode[Item] | None = None
        for item, node in self._tree_items:
            span = getattr(item, "statement", None) or item.span
            if span is not None and span.file == file and span.line <= line <= span.end_line:
                best = node  # later items are deeper or further down: the innermost wins
        tree: Tree[Item] = self.query_one("#outline-tree", Tree)
        if best is not None and tree.cursor_node is not best:
            self._follows = True
            tree.move_cursor(best)

    @property
    def selected(self) -> Item | None:
        """The item under the tree's cursor."""
        node = self.query_one("#outline-tree", Tree).cursor_node
        return None if node is None else node.data

    def on_tree_node_selected(self, event: Tree.NodeSelected[Item]) -> None:
        """Enter or click on an item: jump to it."""
        event.stop()
        item = event.node.data
        if item is not None and item.span is not None:
            self.post_message(self.Jump(item.span.file, item.span.line, item.span.col))


@dataclass(frozen=True, slots=True)
class FileItem:
    """A file of a map that has several: its outline items below it in the tree."""

    kind: str
    id: str
    label: str | None
    span: crmdsl.Span
    statement: crmdsl.Span
    marks: tuple[str, ...] = ()
    children: tuple[Item, ...] = ()


def by_file(items: Sequence[Item]) -> list[Item]:
    """The items of a map with several files under one node per file (in map order)."""
    files: dict[str, list[Item]] = {}
    for item in items:
        files.setdefault(item.span.file, []).append(item)
    if len(files) < 2:
        return list(items)
    out: list[Item] = []
    for file, members in files.items():
        last = max(m.statement.end_line for m in members)
        out.append(
            FileItem(
                "file",
                file,
                None,
                crmdsl.Span(file, 1, 1, 1, 1),
                crmdsl.Span(file, 1, 1, last, 1),
                children=tuple(members),
            )
        )
    return out


def _label(item: Item) -> Text:
    text = Text()
    text.append(f"{item.kind} ", style="dim")
    text.append(str(item.id or item.label or ""), style="bold")
    if item.label and item.id and item.label != item.id:
        text.append(f" {item.label}", style="green")
    for mark in getattr(item, "marks", ()) or ():
        symbol, style = MARKS.get(mark, (mark, "dim"))
        text.append(f" {symbol}", style=style)
    return text


def _walk(items: Sequence[Item]) -> Iterator[Item]:
    """Items depth first, as the tree lists them."""
    for item in items:
        yield item
        yield from _walk(list(getattr(item, "children", ()) or ()))


def _structure(item: Item) -> tuple[object, ...]:
    """What places an item in the tree: kind, id, marks and how many children."""
    children = getattr(item, "children", ()) or ()
    return (item.kind, item.id, tuple(getattr(item, "marks", ()) or ()), len(children))
