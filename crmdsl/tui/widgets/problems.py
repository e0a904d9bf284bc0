"""The problems pane: every load error and finding in a table; jump, filter, fix.

In: the problems of the latest analysis (`show(problems)`). Out: `ProblemsPane.Jump`
when a row is chosen (enter or click), `ProblemsPane.Fix` for `F` (apply the finding's
safe fix). `s` cycles the severity filter: all, errors, warnings and worse, info only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static

import crmdsl
from crmdsl.tui.keymap import PROBLEMS_KEYS, bindings
from crmdsl.tui.live import counts
from crmdsl.tui.widgets.source import GUTTER_MARKS

__all__ = ["FILTERS", "ProblemsPane"]

#: Severity filters in the order `s` cycles them: name -> severities shown.
FILTERS: dict[str, tuple[str, ...]] = {
    "all": ("error", "warning", "info"),
    "errors": ("error",),
    "warnings": ("error", "warning"),
    "info": ("info",),
}


class ProblemsPane(Vertical):
    """A table of problems with a summary line above it."""

    BINDINGS = bindings(PROBLEMS_KEYS)

    class Jump(Message):
        """The user chose a problem: move the cursor to it."""

        def __init__(self, problem: crmdsl.Diagnostic) -> None:
            super().__init__()
            self.problem = problem

    class Fix(Message):
        """The user asked for the safe fix of a problem."""

        def __init__(self, problem: crmdsl.Diagnostic) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.problems: list[crmdsl.Diagnostic] = []
        self.shown: list[crmdsl.Diagnostic] = []
        self.severity_filter = "all"
        self._shown_key: tuple[object, ...] = ()
        self._where_width = 0  # the widest place in the table (its column is that wide)

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        yield Static("No problems.", id="problems-summary")
        table: DataTable[Text] = DataTable(cursor_type="row", id="problems-table")
        table.add_columns("", "where", "code", "message")
        yield table

    def show(self, problems: Sequence[crmdsl.Diagnostic]) -> None:
        """Show these problems (the table is rebuilt only when they changed)."""
        key = tuple((p.sort_key, p.code or p.kind, p.severity) for p in problems)
        self.problems = list(problems)
        if key != self._shown_key:
            self._shown_key = key
            self._refill()

    def _refill(self) -> None:
        wanted = FILTERS[self.severity_filter]
        before, self.shown = self.shown, [p for p in self.problems if p.severity in wanted]
        table = self.query_one("#problems-table", DataTable)
        if table.row_count == len(before) and self._moved_only(table, before):
            return
        row = table.cursor_row
        table.clear()
        rows = [_row(p) for p in self.shown]
        self._where_width = max((len(r[1]) for r in rows), default=0)
        table.add_rows(rows)
        if self.shown:
            table.move_cursor(row=min(row, len(self.shown) - 1))
        self.query_one("#problems-summary", Static).update(self._summary())

    def _moved_only(self, table: DataTable[Text], before: list[crmdsl.Diagnostic]) -> bool:
        """Show problems that only moved (lines added or removed above them) in place.

        Rebuilding the table measures every row again: on a 10k-line map, most of what
        a new line costs. When the problems are the same but for where they are, and no
        place is wider than the column, only the `where` cells are rewritten.
        """
        after = self.shown
        if len(before) != len(after) or any(
            (a.code, a.kind, a.severity, a.message) != (b.code, b.kind, b.severity, b.message)
            for a, b in zip(before, after, strict=True)
        ):
            return False
        changed = [
            (i, _row(b)[1])
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            if a.span != b.span
        ]
        if any(len(where) > self._where_width for _, where in changed):
            return False
        for i, where in changed:
            table.update_cell_at(Coordinate(i, 1), where)
        return True

    def _summary(self) -> str:
        n = counts(self.problems)
        if not self.problems:
            return "No problems."
        words = ", ".join(_count(n[key], word) for key, word in _WORDS)
        shown = (
            ""
            if self.severity_filter == "all"
            else f" · showing {self.severity_filter} ({len(self.shown)})"
        )
        return f"{words}{shown} · enter: go to · F: safe fix · s: filter"

    @property
    def selected(self) -> crmdsl.Diagnostic | None:
        """The problem under the table's cursor."""
        table = self.query_one("#problems-table", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter or click on a row: jump to the problem."""
        event.stop()
        problem = self.selected
        if problem is not None:
            self.post_message(self.Jump(problem))

    def action_fix(self) -> None:
        """Ask for the safe fix of the selected problem."""
        problem = self.selected
        if problem is not None:
            self.post_message(self.Fix(problem))

    def action_cycle_filter(self) -> None:
        """Show the next severity filter."""
        names = list(FILTERS)
        self.severity_filter = names[(names.index(self.severity_filter) + 1) % len(names)]
        self._refill()


_WORDS = (("error", "error"), ("warning", "warning"), ("info", "info"))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def _row(problem: crmdsl.Diagnostic) -> tuple[Text, Text, Text, Text]:
    mark, colour = GUTTER_MARKS.get(problem.severity, ("?", "red"))
    span = problem.span
    where = f"{PurePath(span.file).name}:{span.line}" if span is not None else ""
    # Text, not str: a str cell would be read as markup, and a message quotes the map.
    return (
        Text(mark, style=colour),
        Text(where),
        Text(problem.code or problem.kind),
        Text(problem.message),
    )
