"""Snapshots of the editor's screens (update them with `pytest tests/tui --snapshot-update`).

The environment is pinned by tests/tui/conftest.py; each snapshot is taken once the
analysis and the preview of the text are shown and every worker has finished.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from crmdsl.tui.app import EditorApp
from tests.tui.conftest import settled, until

SIZE = (150, 42)


def _ready(then: Callable[[Any, Any], Awaitable[None]] | None = None) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        app.source.cursor_blink = False
        await settled(app)
        if then is not None:
            await then(app, pilot)
            await settled(app)
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_main_screen(acme: Path, snap_compare: Any) -> None:
    assert snap_compare(EditorApp(acme, watch=False), terminal_size=SIZE, run_before=_ready())


def test_main_screen_with_an_error(acme: Path, snap_compare: Any) -> None:
    async def break_a_line(app: Any, pilot: Any) -> None:
        app.source.move_cursor((62, 200))
        await pilot.press("space", "s", "l", "a", "space", "x")

    app = EditorApp(acme, watch=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready(break_a_line))


async def _preview_a_process(app: Any, pilot: Any) -> None:
    app.source.goto(63, 5)
    await pilot.press("alt+3")
    await settled(app)


def test_preview_pane(acme: Path, snap_compare: Any) -> None:
    app = EditorApp(acme, watch=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready(_preview_a_process))


def test_preview_drawing(acme: Path, snap_compare: Any) -> None:
    async def draw_a_process(app: Any, pilot: Any) -> None:
        await _preview_a_process(app, pilot)
        app.action_toggle_drawing()
        pane = app.main.query_one("#preview-pane")
        await until(lambda: pane.drawing_for is not None, pilot)

    app = EditorApp(acme, watch=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready(draw_a_process))


def test_assistant_pane(acme: Path, snap_compare: Any) -> None:
    async def show_assistant(app: Any, pilot: Any) -> None:
        await pilot.press("alt+4")

    app = EditorApp(acme, watch=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready(show_assistant))


def test_outline_pane(acme: Path, snap_compare: Any) -> None:
    async def show_outline(app: Any, pilot: Any) -> None:
        await pilot.press("alt+2", "alt+0")
        app.source.goto(53, 9)
        pane = app.main.query_one("#outline-pane")
        await until(lambda: getattr(pane.selected, "id", "") == "onboarding.demo", pilot)

    app = EditorApp(acme, watch=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready(show_outline))
