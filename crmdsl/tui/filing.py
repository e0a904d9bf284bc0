"""The editor's files: save, quit, recovery copies, a new map's template, other files, the disk.

In: the open file's `Buffer` and text, and changes on disk (`watchfiles`). Out: atomic
saves (files.py), the questions before quitting with changes, before opening another
file of the map, when the file changed on disk, and when a recovery copy or a missing
file is found; a recovery copy written every few seconds while there are unsaved changes
and at once on a crash.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import work

from crmdsl.tui.base import EditorBase
from crmdsl.tui.files import (
    Buffer,
    FileProblem,
    drop_recovery,
    read_buffer,
    read_recovery,
    save_buffer,
    write_recovery,
)
from crmdsl.tui.screens.choice import ChoiceScreen

__all__ = ["RECOVERY_EVERY", "TEMPLATE", "FilesMixin"]

#: What a new map starts from.
TEMPLATE = """\
map "{title}"
  owner sales
  reviewed {today}

team sales "Sales"

persona buyer "Buyer"

system crm "CRM" kind crm owner sales

journey buying "Buying" persona buyer owner sales
  stage first "First contact"
    touchpoint visit "Website visit" channel web score 3 owner sales system crm

process qualify "Qualify a lead" owner sales
  step call "Call the lead" owner sales system crm takes 1d
  end done "Qualified"
"""

#: Seconds between recovery copies while there are unsaved changes.
RECOVERY_EVERY = 5.0


class FilesMixin(EditorBase):
    """Saving, quitting, recovery and the disk for `EditorApp`."""

    # -- files --------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the open file atomically (BOM, line endings and permissions kept)."""
        text = self.source.text
        try:
            save_buffer(self.buffer, text)
        except FileProblem as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        drop_recovery(self.editor_path)
        self.missing = False
        self.modified = False
        self.update_status()
        self.notify(f"Saved {self.editor_file}.")
        if self.editor_file != self.root_file:
            self.schedule_analysis()  # the root is read from disk: analyse it with this file

    async def action_quit(self) -> None:
        """Quit; with unsaved changes, ask first."""
        if not self.modified:
            drop_recovery(self.editor_path)
            self.exit(0)
            return
        answers = [
            ("save", "Save and quit"),
            ("discard", "Quit without saving"),
            ("cancel", "Cancel"),
        ]
        question = f"{self.editor_file} has unsaved changes."
        self.push_screen(ChoiceScreen(question, answers, id="quit-dialog"), self._quit_answer)

    def _quit_answer(self, answer: str | None) -> None:
        if answer == "save":
            self.action_save()
            if not self.modified:
                self.exit(0)
        elif answer == "discard":
            drop_recovery(self.editor_path)
            self.exit(0)

    def write_recovery_copy(self) -> None:
        """Write the unsaved text beside the file (every few seconds while modified)."""
        if self.modified and self._recovered_at != self._generation:
            if write_recovery(self.editor_path, self.source.text) is not None:
                self._recovered_at = self._generation

    def _handle_exception(self, error: Exception) -> None:
        """A crash: keep what was typed in a recovery copy, then let Textual report it."""
        try:
            if self.modified:
                write_recovery(self.editor_path, self.source.text)
        except Exception:  # noqa: BLE001, S110 - the crash report matters more
            pass
        super()._handle_exception(error)

    def _offer_recovery(self) -> None:
        saved = read_recovery(self.editor_path)
        if saved is None:
            return

        def answer(choice: str | None) -> None:
            if choice == "restore":
                self.source.apply_text(saved)
            elif choice == "discard":
                drop_recovery(self.editor_path)

        question = (
            f"A recovery copy of {self.editor_file} holds text that was never saved "
            "(the editor stopped before saving). Restore it?"
        )
        answers = [("restore", "Restore it"), ("discard", "Discard it"), ("cancel", "Later")]
        self.push_screen(ChoiceScreen(question, answers, id="recovery-dialog"), answer)

    def _offer_template(self) -> None:
        def answer(choice: str | None) -> None:
            if choice == "template":
                import datetime as dt

                title = self.editor_path.stem.replace("_", " ").replace("-", " ").title()
                self.source.apply_text(TEMPLATE.format(title=title, today=dt.date.today()))
            elif choice == "interview":
                self.start_interview()
            elif choice == "quit":
                self.exit(0)

        question = (
            f"{self.editor_file} does not exist yet. Start it from a template, or answer "
            "a short interview that writes it?"
        )
        answers = [
            ("template", "Start from a template"),
            ("interview", "Answer the guided interview"),
            ("empty", "Start empty"),
            ("quit", "Quit"),
        ]
        self.push_screen(ChoiceScreen(question, answers, id="template-dialog"), answer)

    def open_file(self, file: str, at: tuple[int, int] | None = None) -> None:
        """Show another file of the map (asking first when the open one has changes)."""
        if self.modified:
            question = f"Save the changes to {self.editor_file} before opening {file}?"
            answers = [("save", "Save"), ("discard", "Discard them"), ("cancel", "Cancel")]

            def answer(choice: str | None) -> None:
                if choice == "save":
                    self.action_save()
                if choice in ("save", "discard") and not self.modified or choice == "discard":
                    self._load_file(file, at)

            self.push_screen(ChoiceScreen(question, answers, id="switch-dialog"), answer)
            return
        self._load_file(file, at)

    def _load_file(self, file: str, at: tuple[int, int] | None) -> None:
        try:
            buffer = read_buffer(Path(file))
        except FileProblem as exc:
            self.notify(str(exc), severity="error")
            return
        self.buffer, self.editor_file, self.missing = buffer, file, False
        self.sub_title = file
        self.source.load_text(buffer.text)
        self.modified = False
        self.forget_other_files()
        if at is not None:
            self.source.goto(*at)
        self.source.focus()
        self._generation += 1
        self.schedule_analysis()
        self._offer_recovery()

    # -- watching the disk --------------------------------------------------------------

    @work(group="watch", description="watch", exclusive=True, exit_on_error=False)
    async def _watch_files(self) -> None:
        from watchfiles import awatch

        folder = Path(self.root_file).resolve().parent
        self.stop_watching = asyncio.Event()
        watching = awatch(
            folder,
            recursive=True,
            debounce=150,
            step=30,
            rust_timeout=500,
            stop_event=self.stop_watching,
        )
        async for changes in watching:
            changed = {Path(name).resolve() for _, name in changes}
            self.disk_changed(changed)

    def disk_changed(self, paths: set[Path]) -> None:
        """Files changed on disk: offer to reload the open one; re-analyse for the others."""
        mine = self.editor_path.resolve()
        others = self.analysis.sources if self.analysis is not None else {}
        if any(Path(name).resolve() in paths for name in others if name != self.editor_file):
            self._generation += 1
            self.schedule_analysis()
        if mine not in paths or self.screen.id == "reload-dialog":
            return
        try:
            disk = read_buffer(mine)
        except FileProblem:
            return
        if disk.text == self.buffer.text:
            return  # our own save, or no change
        self._offer_reload(disk)

    def _offer_reload(self, disk: Buffer) -> None:
        def answer(choice: str | None) -> None:
            if choice == "reload":
                self.buffer = Buffer(self.buffer.path, disk.text, disk.bom, disk.newline)
                self.source.apply_text(disk.text)
            else:
                self.buffer = Buffer(self.buffer.path, disk.text, disk.bom, disk.newline)
            self.modified = self.source.text != self.buffer.text
            self.update_status()

        question = f"{self.editor_file} changed on disk. Reload it (your changes are undoable)?"
        answers = [("reload", "Reload"), ("keep", "Keep mine")]
        self.push_screen(ChoiceScreen(question, answers, id="reload-dialog"), answer)
