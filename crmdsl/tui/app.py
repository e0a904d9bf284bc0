"""`EditorApp`: a map file in, a Textual editor with live problems, outline and preview out.

The source is on the left; beside it, tabs: Problems, Outline, Preview, Assistant. Every
edit re-analyses the map in a worker thread (debounced; each run carries a generation
number and a result that is no longer current is dropped), so typing never waits.

The interface the assistant pane (and any other pane) uses:

- `editor_path: Path`: the file being edited (the map's root, or an included file);
- `editor_text() -> str`: its current text (as shown: no BOM, LF line endings);
- `analysis: crmdsl.Analysis | None`: the latest analysis (it may lag the text by one
  keystroke, and may hold load errors);
- `apply_patch(patch: crmdsl.Patch) -> None`: apply a `crmdsl.edit` patch to the open text
  as ONE undo step (other files of the map it touches are written on disk, and undone
  with it); raises `crmdsl.edit.EditError` when the text no longer matches the patch;
- `goto(file: str, line: int, col: int) -> None`: move the cursor (1-based), opening an
  included file when needed.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane, TextArea

import crmdsl
from crmdsl.tui.base import same_file
from crmdsl.tui.commands import EditorCommands
from crmdsl.tui.config import Settings, load_settings
from crmdsl.tui.files import (
    Buffer,
    read_buffer,
)
from crmdsl.tui.filing import RECOVERY_EVERY, FilesMixin
from crmdsl.tui.images import GraphicsProtocol
from crmdsl.tui.keymap import APP_KEYS, bindings
from crmdsl.tui.live import Job, Snapshot, analyse, counts
from crmdsl.tui.navigation import NavigationMixin
from crmdsl.tui.panes import PanesMixin
from crmdsl.tui.widgets.outline import OutlinePane
from crmdsl.tui.widgets.preview import PreviewPane
from crmdsl.tui.widgets.problems import ProblemsPane
from crmdsl.tui.widgets.source import SourceView

__all__ = ["EditorApp"]

_SWITCH_INTERVAL = 0.001
_COLLECT_EVERY = 0.5
_IDLE_FOR_COLLECT = 1.0
_GROWTH_BUDGET = 64 * 1024 * 1024


def _resident_bytes() -> int:
    """The process's resident memory (Linux; 0 elsewhere, where only pauses collect)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _assistant_pane() -> Widget:
    try:
        from crmdsl.tui.widgets.assistant import AssistantPane  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return Static(
            "The assistant is not available yet in this version of crmdsl.", id="no-assistant"
        )
    pane: Widget = AssistantPane()
    return pane


class EditorApp(FilesMixin, NavigationMixin, PanesMixin):
    """The live editor of one map (see the module docstring for its interface)."""

    CSS_PATH = "app.tcss"
    TITLE = "crmdsl edit"
    BINDINGS: ClassVar[list[BindingType]] = bindings(APP_KEYS)
    COMMANDS = App.COMMANDS | {EditorCommands}

    class Analysed(Message):
        """An analysis finished (in a worker thread)."""

        def __init__(self, snapshot: Snapshot | None, generation: int, error: str = "") -> None:
            super().__init__()
            self.snapshot, self.generation, self.error = snapshot, generation, error

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        root: str | os.PathLike[str] | None = None,
        watch: bool = True,
        settings: Settings | None = None,
        graphics: GraphicsProtocol | None = None,
    ) -> None:
        super().__init__()
        self.editor_file = os.fspath(path)
        self.root_file = os.fspath(root) if root is not None else self.editor_file
        self.settings = settings or load_settings(Path(self.root_file))
        self.graphics = graphics if self.settings.tui.images != "off" else None
        self.missing = not Path(self.editor_file).exists()
        self.buffer = (
            Buffer(Path(self.editor_file), "")
            if self.missing
            else read_buffer(Path(self.editor_file))
        )
        self.analysis: crmdsl.Analysis | None = None
        self.snapshot: Snapshot | None = None
        self.good: Snapshot | None = None
        self.modified = False
        self.watching = watch
        self._generation = 0
        self._analysing = False
        self._analysed = -1  # the generation of the last analysis that finished
        self._seen_edits = 0
        self._last_edit = time.monotonic()
        self._uncollected = 0  # analyses finished since the last pass of the collector
        self._collected_at = 0  # resident bytes after the last whole pass
        self._debounce: Timer | None = None
        self._settled = asyncio.Event()
        self._recovered_at = -1
        self._init_panes()
        self._init_navigation()

    # -- the interface panes use ----------------------------------------------------------

    def editor_text(self) -> str:
        """The current text of the open file."""
        return self.source.text

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        with Horizontal(id="main"):
            yield SourceView(self.buffer.text, id="source")
            with TabbedContent(id="side", initial="problems"):
                with TabPane("Problems", id="problems"):
                    yield ProblemsPane(id="problems-pane")
                with TabPane("Outline", id="outline"):
                    yield OutlinePane(id="outline-pane")
                with TabPane("Preview", id="preview"):
                    yield PreviewPane(id="preview-pane")
                with TabPane("Assistant", id="assistant"):
                    yield _assistant_pane()
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Apply settings, offer a template or a recovery copy, start the first analysis."""
        tui = self.settings.tui
        if tui.theme and tui.theme in self.available_themes:
            self.theme = tui.theme
        if tui.keys:
            self.set_keymap(tui.keys)
        for problem in self.settings.problems:
            self.notify(problem, severity="warning", timeout=8)
        os.environ.setdefault("CRMDSL_JOBS", "1")  # no fork from a threaded process
        # The analysis runs in a thread: hand the GIL back to the event loop more often
        # than every 5 ms, so that keys and redraws are not kept waiting.
        sys.setswitchinterval(_SWITCH_INTERVAL)
        # A pass of the cyclic collector over a big map's model holds the GIL for
        # hundreds of milliseconds: collect only once the user has paused (the model
        # makes no cycles; reference counting frees it as usual).
        gc.disable()
        self.set_interval(_COLLECT_EVERY, self._collect)
        self.sub_title = self.editor_file
        self.source.focus()
        self.update_status()
        self._start_analysis()
        self.set_interval(RECOVERY_EVERY, self.write_recovery_copy)
        if self.watching:
            self._watch_files()
        if self.missing:
            self._offer_template()
        else:
            self._offer_recovery()

    # -- live analysis ------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """A keystroke: bump the generation and schedule an analysis (typing never waits)."""
        if event.text_area.id != "source" or not self.screen_stack:
            return
        self._seen_edits = self.source.edit_count
        self._last_edit = time.monotonic()
        self._generation += 1
        self._settled.clear()
        self.modified = self.source.text != self.buffer.text
        self.update_status()
        self.schedule_analysis()

    def schedule_analysis(self) -> None:
        """Analyse after the debounce, or after the run in progress."""
        if self._analysing:
            return  # the run in progress starts the next one when it ends
        if self._debounce is not None:
            self._debounce.stop()
        delay = max(0.001, self.settings.tui.debounce_ms / 1000)  # a timer of 0 s is refused
        self._debounce = self.set_timer(delay, self._start_analysis)

    def _start_analysis(self) -> None:
        self._debounce = None
        self._analysing = True
        self._settled.clear()
        # What Textual left in cycles since the last analysis was shown (the map shown
        # is frozen, so this pass is short), before the next analysis adds its objects.
        gc.collect()
        job = Job(
            self._generation,
            Path(self.root_file),
            self.source.text,
            self.settings.lint,
            file=None if self.editor_file == self.root_file else Path(self.editor_file),
        )
        self._analyse(job)

    @work(thread=True, group="analysis", description="analysis", exit_on_error=False)
    def _analyse(self, job: Job) -> None:
        try:
            self.post_message(self.Analysed(analyse(job), job.generation))
        except Exception as exc:  # noqa: BLE001 - shown to the user, the editor goes on
            self.post_message(self.Analysed(None, job.generation, f"{type(exc).__name__}: {exc}"))

    def on_editor_app_analysed(self, message: Analysed) -> None:
        """Apply a finished analysis, unless the text moved on (then analyse again)."""
        self._analysing = False
        if not self.screen_stack:  # the app is closing: a late worker's result
            return
        if message.generation != self._generation:
            self.schedule_analysis()
            return
        if message.snapshot is None:
            self._analysed = message.generation
            self.notify(f"The analysis failed: {message.error}", severity="error")
            self.check_settled()
            return
        self._apply(message.snapshot)

    def _apply(self, snapshot: Snapshot) -> None:
        self._uncollected += 1
        self._analysed = snapshot.generation
        self.snapshot = snapshot
        self.analysis = snapshot.analysis
        if snapshot.loaded:
            self.good = snapshot
        self.source.set_problems(snapshot.problems, self.editor_file)
        self.main.query_one(ProblemsPane).show(snapshot.problems)
        self.update_status()
        self.refresh_preview()
        self.index_snapshot(snapshot)
        self._freeze_shown()
        self.check_settled()

    def _collect(self) -> None:
        """Run the whole cyclic collector once the user pauses typing.

        An analysis makes no reference cycles (a test keeps it so): reference counting
        frees each one as soon as a newer one replaces it. Textual's rendering leaves
        some garbage in cycles. A pass over everything (a 10k-line map's objects take a
        second) runs only in a pause; after it, and after each analysis is shown,
        what lives is frozen (`gc.freeze`), so that the pass before each analysis
        walks only what Textual made since the last one.
        """
        idle = time.monotonic() - self._last_edit >= _IDLE_FOR_COLLECT
        if self._uncollected and idle:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._uncollected = 0
            self._collected_at = _resident_bytes()

    def _freeze_shown(self) -> None:
        """After an analysis is shown, freeze what lives: later passes walk only the new.

        What was frozen and died in cycles since (Textual's line caches) is found by a
        whole pass, in a pause of typing, or when the process grew by `_GROWTH_BUDGET`.
        """
        if _resident_bytes() - self._collected_at > _GROWTH_BUDGET:
            gc.unfreeze()
            gc.collect()
            self._collected_at = _resident_bytes()
        gc.freeze()

    def on_unmount(self) -> None:
        """Stop watching the disk; give the collector back to the process."""
        stop = getattr(self, "stop_watching", None)
        if stop is not None:
            stop.set()
        self.pngs.close()
        gc.unfreeze()
        gc.enable()

    def check_settled(self) -> None:
        """Set the settled event when the analysis and preview of this text are shown."""
        if (
            self._seen_edits == self.source.edit_count
            and self._analysed == self._generation
            and not self._analysing
            and self._debounce is None
            and not self.preview_pending
        ):
            self._settled.set()

    async def wait_until_settled(self) -> None:
        """Wait until the analysis and the preview of the current text are shown."""
        if self._seen_edits != self.source.edit_count:
            self._settled.clear()  # an edit whose Changed message is still on its way
        await self._settled.wait()

    # -- status bar ---------------------------------------------------------------------

    def update_status(self) -> None:
        """File, saved or modified, counts, cursor, the name under the cursor."""
        n = counts(self.snapshot.problems) if self.snapshot else counts([])
        row, col = self.source.cursor_location
        state = "modified" if self.modified else ("new file" if self.missing else "saved")
        stale = "" if self.snapshot is None or self.snapshot.loaded else " · load errors"
        title = self.good.analysis.map.title if self.good is not None else ""
        parts = [
            f"{self.editor_file} ({title})" if title else self.editor_file,
            state,
            f"✖ {n['error']}  ▲ {n['warning']}  · {n['info']}{stale}",
            f"{row + 1}:{col + 1}",
        ]
        words = self.symbol_words()
        if words:
            parts.append(words)
        self.main.query_one("#status", Static).update(Text(" · ".join(parts)))

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        """The cursor moved: status bar, outline and preview follow."""
        if event.text_area.id != "source" or not self.screen_stack:
            return
        self.update_status()
        self.follow_cursor()

    # -- patches ------------------------------------------------------------------------

    def apply_patch(self, patch: crmdsl.Patch) -> None:
        """Apply a patch as one undo step (see the module docstring)."""
        if not patch:
            return
        mine = [f for f in patch.files if same_file(f, self.editor_file)]
        others = [f for f in patch.files if f not in mine]
        new_text = None
        if mine:
            new_text = patch.only(mine[0]).apply({mine[0]: self.source.text})[mine[0]]
        undo: list[crmdsl.Patch] = []
        for file in others:
            part = patch.only(file)
            crmdsl.edit.write_patch(part)
            undo.append(part.inverse())
        if new_text is not None:
            self.source.apply_text(new_text)
        if undo:
            self.remember_other_files(undo)
            self.schedule_analysis()
