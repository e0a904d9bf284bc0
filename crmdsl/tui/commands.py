"""The command palette's crmdsl commands (ctrl+p): a query in, matching commands out.

`EditorCommands` is a Textual `Provider`: each command is a name, a help line and an app
action. Textual's own system commands (theme, keys, quit, screenshot) are listed beside
them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["COMMANDS", "EditorCommands"]

#: Palette entries: name, help, app action (with its arguments).
COMMANDS: tuple[tuple[str, str, str, tuple[Any, ...]], ...] = (
    ("Format the file", "Rewrite the open file in the canonical layout (undoable)", "format", ()),
    ("Check the map", "Analyse again now and show the problems", "check", ()),
    ("Apply all safe fixes", "Every finding with a certain fix, as one undo step", "fix_all", ()),
    ("Go to definition", "Of the name under the cursor (F12)", "definition", ()),
    ("Find references", "Every place that names the thing under the cursor", "references", ()),
    ("Rename", "The declaration under the cursor, in every file (F2)", "rename", ()),
    ("Export view as .mmd", "Write the previewed diagram's Mermaid", "export", ("mmd",)),
    ("Export view as .md", "Write the previewed diagram in a Markdown page", "export", ("md",)),
    (
        "Export view as .svg",
        "Render the previewed diagram with the local Mermaid",
        "export",
        ("svg",),
    ),
    ("Copy the Mermaid", "Copy the previewed diagram's text", "copy_mermaid", ()),
    (
        "Toggle the drawing",
        "Preview as Mermaid text or as a terminal drawing",
        "toggle_drawing",
        (),
    ),
    ("Toggle the side pane", "Hide or show problems, outline, preview", "toggle_side", ()),
    ("Show problems", "The problems tab", "show_tab", ("problems",)),
    ("Show outline", "The outline tab", "show_tab", ("outline",)),
    ("Show preview", "The preview tab", "show_tab", ("preview",)),
    ("Show assistant", "The assistant tab", "show_tab", ("assistant",)),
    ("Save", "Write the file (ctrl+s)", "save", ()),
)


class EditorCommands(Provider):
    """crmdsl's commands in the palette."""

    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        out: list[tuple[str, str, Callable[[], Any]]] = []
        for name, help_text, action, args in COMMANDS:
            method = getattr(self.app, f"action_{action}", None)
            if method is not None:
                out.append((name, help_text, partial(method, *args)))
        return out

    async def discover(self) -> Hits:
        """Every command, for an empty query."""
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches the query."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
