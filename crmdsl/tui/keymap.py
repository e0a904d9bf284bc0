"""Every key of the editor, in one table: binding ids, default keys, actions, descriptions.

The app and its panes take their `BINDINGS` from here; a user overrides any of them by
id in `[tool.crmdsl.tui.keys]` (`definition = "f12,ctrl+d"`), which the app passes to
`App.set_keymap`. `docs/tui.md` lists the same table (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = ["APP_KEYS", "KEYS", "PREVIEW_KEYS", "PROBLEMS_KEYS", "Key", "bindings"]


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: its id (what users override), keys, action, footer text, shown or not."""

    id: str
    keys: str
    action: str
    description: str
    show: bool = True
    priority: bool = False


APP_KEYS: tuple[Key, ...] = (
    Key("save", "ctrl+s", "save", "Save"),
    Key("quit", "ctrl+q", "quit", "Quit", priority=True),
    Key("definition", "f12", "definition", "Definition"),
    Key("references", "shift+f12", "references", "References"),
    Key("rename", "f2", "rename", "Rename"),
    Key("next_problem", "f8", "next_problem", "Next problem"),
    Key("format", "alt+f", "format", "Format", show=False),
    Key("toggle_side", "ctrl+b", "toggle_side", "Side pane", show=False),
    Key("show_source", "alt+0", "focus_source", "Source", show=False),
    Key("show_problems", "alt+1", "show_tab('problems')", "Problems", show=False),
    Key("show_outline", "alt+2", "show_tab('outline')", "Outline", show=False),
    Key("show_preview", "alt+3", "show_tab('preview')", "Preview", show=False),
    Key("show_assistant", "alt+4", "show_tab('assistant')", "Assistant", show=False),
)

PROBLEMS_KEYS: tuple[Key, ...] = (
    Key("problems.fix", "F", "fix", "Safe fix"),
    Key("problems.filter", "s", "cycle_filter", "Filter"),
)

PREVIEW_KEYS: tuple[Key, ...] = (
    Key("preview.drawing", "d", "toggle_drawing", "Text/drawing"),
    Key("preview.copy", "c", "copy", "Copy Mermaid"),
    Key("preview.write", "w", "export", "Write file"),
)

#: Every binding id -> its default entry.
KEYS: dict[str, Key] = {k.id: k for k in (*APP_KEYS, *PROBLEMS_KEYS, *PREVIEW_KEYS)}


def bindings(keys: tuple[Key, ...]) -> list[BindingType]:
    """Textual bindings for a group of keys."""
    return [
        Binding(k.keys, k.action, k.description, show=k.show, priority=k.priority, id=k.id)
        for k in keys
    ]
