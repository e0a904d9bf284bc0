"""The source pane: a `TextArea` that highlights crmdsl and marks problems.

In: the text of one map file and, after each analysis, the problems found in it. Out: the
text as the user edits it (`TextArea.Changed`), and `SourceView.DefinitionRequested` on
ctrl+click. Highlighting and underlines are applied in `get_line`, which Textual calls
only for the lines it draws; a mark by severity goes into the gutter in `render_line`.
`apply_text(new)` replaces the text as one undo step (checkpoint + one `replace`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument
from textual.message import Message
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, Location

import crmdsl
from crmdsl.tui.highlight import STYLES, line_tokens

__all__ = ["GUTTER_MARKS", "SourceView"]

#: Gutter mark and underline colour of each severity, worst first.
GUTTER_MARKS: dict[str, tuple[str, str]] = {
    "error": ("●", "red"),
    "warning": ("▲", "yellow"),
    "info": ("·", "blue"),
}
_RANK = {"error": 0, "warning": 1, "info": 2}


class _WrappedWithHeight(WrappedDocument):
    """Textual's wrapped document, its height counted once per change of the wrapping.

    Textual counts the height over every line of the document for each line it draws:
    on a 10k-line map, some 60 ms of each screen update while typing.
    """

    _height: int | None = None

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        self._height = None
        super().wrap(width, tab_width)
        self._height = None

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        self._height = None
        super().wrap_range(start, old_end, new_end)
        self._height = None

    @property
    def height(self) -> int:
        """The height of the wrapped document (counted when the wrapping changed)."""
        if self._height is None:
            self._height = sum(len(offsets) + 1 for offsets in self._wrap_offsets)
        return self._height


class SourceView(TextArea):
    """A map file in a code editor with crmdsl highlighting and problem marks."""

    @property
    def wrapped_document(self) -> WrappedDocument:
        """The wrapping Textual keeps of the text, with its height counted once."""
        return self._wrapped

    @wrapped_document.setter
    def wrapped_document(self, value: WrappedDocument) -> None:
        if type(value) is WrappedDocument:
            value.__class__ = _WrappedWithHeight  # the same object, with `height` kept
        self._wrapped = value

    class DefinitionRequested(Message):
        """Ctrl+click on a name: go to its definition."""

    class Undone(Message):
        """An undo (or redo) changed the text from `before` to `after`."""

        def __init__(self, redo: bool, before: str, after: str) -> None:
            super().__init__()
            self.redo, self.before, self.after = redo, before, after

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        self.edit_count = 0  # every edit, counted when it is made (before Changed is handled)
        self._text_cache, self._text_key = "", (-1, 0)
        self._underlines: dict[int, list[tuple[int, int, str]]] = {}
        self._gutter_marks: dict[int, str] = {}
        super().__init__(
            text,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            theme="css",
            id=id,
        )
        self.indent_type = "spaces"
        self.indent_width = 2

    # -- problems -----------------------------------------------------------------------

    def set_problems(self, problems: Sequence[crmdsl.Diagnostic], file: str) -> None:
        """Underline and mark the problems that point into `file` (others are ignored)."""
        underlines: dict[int, list[tuple[int, int, str]]] = {}
        gutter: dict[int, str] = {}
        for problem in problems:
            span = problem.span
            if span is None or span.file != file:
                continue
            row = span.line - 1
            end_col = span.end_col if span.end_line == span.line else span.col + 10_000
            underlines.setdefault(row, []).append(
                (span.col - 1, max(end_col, span.col + 1) - 1, problem.severity)
            )
            worst = gutter.get(row)
            if worst is None or _RANK.get(problem.severity, 3) < _RANK.get(worst, 3):
                gutter[row] = problem.severity
        if underlines != self._underlines or gutter != self._gutter_marks:
            self._underlines, self._gutter_marks = underlines, gutter
            self._line_cache.clear()
            self.refresh()

    def mark_at(self, row: int) -> str | None:
        """The worst severity marked on a line (0-based), if any."""
        return self._gutter_marks.get(row)

    # -- drawing ------------------------------------------------------------------------

    def get_line(self, line_index: int) -> Text:
        """One line with crmdsl highlighting and its problems underlined."""
        line = self.document.get_line(line_index)
        text = Text(line, end="", no_wrap=True)
        for start, end, kind in line_tokens(line):
            text.stylize(STYLES[kind], start, end)
        for start, end, severity in self._underlines.get(line_index, ()):
            colour = GUTTER_MARKS.get(severity, ("", "red"))[1]
            text.stylize(f"underline {colour}", start, min(end, max(len(line), start + 1)))
        return text

    def render_line(self, y: int) -> Strip:
        """The drawn line, with the severity mark spliced into the gutter."""
        strip = super().render_line(y)
        if not self.show_line_numbers or not self._gutter_marks:
            return strip
        row = self.scroll_offset.y + y
        severity = self._gutter_marks.get(row)
        if severity is None or row >= self.document.line_count:
            return strip
        mark, colour = GUTTER_MARKS[severity]
        at = self.gutter_width - 2
        parts = [
            strip.crop(0, at),
            Strip([Segment(mark, Style(color=colour, bold=True))], 1),
            strip.crop(at + 1, strip.cell_length),
        ]
        return Strip.join(parts)

    # -- editing ------------------------------------------------------------------------

    def edit(self, edit: Edit) -> EditResult:
        """Every change of the text goes through here: count it."""
        self.edit_count += 1
        return super().edit(edit)

    def undo(self) -> None:
        """Undo the last batch of edits (counted as an edit)."""
        self.edit_count += 1
        super().undo()

    def redo(self) -> None:
        """Redo the last undone batch (counted as an edit)."""
        self.edit_count += 1
        super().redo()

    def load_text(self, text: str) -> None:
        """Replace the whole text (this clears the undo history)."""
        self.edit_count += 1
        super().load_text(text)

    @property
    def text(self) -> str:
        """The whole text, joined once per edit.

        Textual reads `text` while drawing every line; joining a 10k-line document
        each time cost more than the drawing.
        """
        key = (self.edit_count, id(self.document))
        if self._text_key != key:
            self._text_cache, self._text_key = self.document.text, key
        return self._text_cache

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)

    def apply_text(self, new: str) -> bool:
        """Replace the text by `new` as ONE undo step; keep the cursor where it was.

        Only the changed middle is replaced (common start and end are kept), so the
        history holds one small edit. Returns False when nothing changed.
        """
        old = self.text
        if new == old:
            return False
        start, tail = crmdsl.edit.common_ends(old, new)
        end_old, end_new = len(old) - tail, len(new) - tail
        document = self.document
        assert isinstance(document, Document)
        cursor = self.cursor_location
        self.history.checkpoint()
        self.replace(
            new[start:end_new],
            document.get_location_from_index(start),
            document.get_location_from_index(end_old),
        )
        self.history.checkpoint()
        self.move_cursor(self.clamp(cursor))
        return True

    def clamp(self, location: Location) -> Location:
        """A location moved inside the document."""
        row = min(max(location[0], 0), self.document.line_count - 1)
        col = min(max(location[1], 0), len(self.document.get_line(row)))
        return (row, col)

    def goto(self, line: int, col: int) -> None:
        """Put the cursor at a 1-based line and column and scroll it into view."""
        self.move_cursor(self.clamp((line - 1, col - 1)), center=True)

    def on_click(self, event: events.Click) -> None:
        """Ctrl+click: the mouse press has put the cursor on the name; ask for its definition."""
        if event.ctrl:
            event.stop()
            self.post_message(self.DefinitionRequested())

    def action_undo(self) -> None:
        """Undo, and say what changed (a patch may have changed other files too)."""
        before = self.text
        super().action_undo()
        if self.text != before:
            self.post_message(self.Undone(False, before, self.text))

    def action_redo(self) -> None:
        """Redo, and say what changed."""
        before = self.text
        super().action_redo()
        if self.text != before:
            self.post_message(self.Undone(True, before, self.text))
