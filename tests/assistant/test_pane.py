"""The Assistant pane in the editor, driven with Pilot: ask, see the answer, accept, undo."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from crmdsl.tui.app import EditorApp
from crmdsl.tui.widgets.assistant import AssistantPane
from tests.assistant.conftest import EXAMPLES

TIMEOUT = 30.0


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    shutil.copy(EXAMPLES / "acme.crm", tmp_path / "acme.crm")
    return Path("acme.crm")


async def _until(check: Callable[[], bool], pilot: Any) -> None:
    async def loop() -> None:
        while not check():
            await pilot.pause()

    await asyncio.wait_for(loop(), TIMEOUT)


@asynccontextmanager
async def _pane(path: Path) -> AsyncIterator[tuple[EditorApp, Any, AssistantPane]]:
    """The editor on `path`, settled, with the Assistant tab shown."""
    app = EditorApp(path, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await asyncio.wait_for(app.wait_until_settled(), TIMEOUT)
        await pilot.press("alt+4")
        yield app, pilot, app.query_one(AssistantPane)


async def _ask(app: Any, pilot: Any, pane: AssistantPane, text: str) -> None:
    before = pane.last_answer
    await pilot.click("#assistant-input")
    app.query_one("#assistant-input").value = text
    await pilot.press("enter")
    await _until(lambda: pane.last_answer is not before, pilot)


def test_ask_accept_undo_and_follow_a_reference(acme: Path) -> None:
    async def body() -> None:
        async with _pane(acme) as (app, pilot, pane):
            original = app.editor_text()

            await _ask(app, pilot, pane, "who owns lead_sync")
            assert pane.last_answer is not None
            assert "team `it` (IT)" in pane.last_answer.text
            assert not pane.query_one("#assistant-actions").has_class("pending")
            link = next(
                e for e in pane.query("Markdown.answer").results() if "acme.crm:72" in e.source
            )
            link.post_message(link.LinkClicked(link, "crmdsl-goto:acme.crm:72:13"))
            await _until(lambda: app.source.cursor_location == (71, 12), pilot)

            await _ask(app, pilot, pane, "set the SLA of qualify to 4h")
            assert pane.proposal is not None
            assert "+  step qualify" in pane.last_answer.text
            assert app.editor_text() == original  # shown, not applied
            await _until(lambda: pane.query_one("#assistant-actions").has_class("pending"), pilot)
            await pilot.click("#assistant-accept")
            await _until(lambda: "takes 2d sla 4h" in app.editor_text(), pilot)
            assert Path(acme).read_text() == original  # nothing written until the editor saves

            app.source.focus()
            await pilot.press("ctrl+z")
            await _until(lambda: app.editor_text() == original, pilot)

    asyncio.run(body())


def test_a_stale_proposal_is_refused_in_the_pane(acme: Path) -> None:
    async def body() -> None:
        async with _pane(acme) as (app, pilot, pane):
            await _ask(app, pilot, pane, "make step quote automated")
            assert pane.proposal is not None
            app.source.apply_text(app.editor_text().replace("Send quote", "Send a quote"))
            changed = app.editor_text()
            await _until(lambda: pane.query_one("#assistant-actions").has_class("pending"), pilot)
            await pilot.click("#assistant-accept")
            await _until(lambda: pane.proposal is None, pilot)
            assert app.editor_text() == changed
            last = list(pane.query("Markdown.answer").results())[-1]
            assert "The text changed since this change was proposed" in last.source

    asyncio.run(body())


def test_the_model_answer_streams_into_the_pane(acme: Path) -> None:
    from tests.assistant.test_model import Stub, text_reply

    stub = Stub()
    stub.script = [text_reply("Lead sync is ", "owned by IT.")]
    Path("crmdsl.toml").write_text(f'[assistant]\nbase_url = "{stub.url}"\nmodel = "stub"\n')

    async def body() -> None:
        async with _pane(acme) as (app, pilot, pane):
            await _ask(app, pilot, pane, "who owns lead sync?")
            assert pane.last_answer is not None
            assert pane.last_answer.text == "Lead sync is owned by IT."
            assert pane.last_answer.kind == "model"

    try:
        asyncio.run(body())
    finally:
        stub.close()


def test_a_model_tool_call_proposes_an_edit_that_is_accepted_and_undone(acme: Path) -> None:
    from tests.assistant.test_model import Stub, text_reply, tool_reply

    stub = Stub()
    stub.script = [
        tool_reply("propose_set", '{"name": "qualify", "clause": "sla", "value": "4h"}'),
        text_reply("I proposed an SLA of 4h for qualify."),
    ]
    Path("crmdsl.toml").write_text(f'[assistant]\nbase_url = "{stub.url}"\nmodel = "stub"\n')

    async def body() -> None:
        async with _pane(acme) as (app, pilot, pane):
            original = app.editor_text()
            await _ask(app, pilot, pane, "give qualify an SLA of four hours")
            assert pane.proposal is not None
            assert "sla 4h" in pane.proposal.diff
            assert app.editor_text() == original  # nothing applied before accept
            # the model's tool call reached the stub as a tool, and its result went back
            assert stub.requests[1]["messages"][-1]["role"] == "tool"
            await _until(lambda: pane.query_one("#assistant-actions").has_class("pending"), pilot)
            await pilot.click("#assistant-accept")
            await _until(lambda: pane.proposal is None, pilot)
            assert "takes 2d sla 4h" in app.editor_text()
            app.source.focus()
            await pilot.press("ctrl+z")
            await _until(lambda: app.editor_text() == original, pilot)

    try:
        asyncio.run(body())
    finally:
        stub.close()


def test_the_pane_refuses_a_change_that_reaches_an_included_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    monkeypatch.chdir(tmp_path / "shop")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")

    async def body() -> None:
        async with _pane(Path("shop.crm")) as (app, pilot, pane):
            original = app.editor_text()
            await _ask(app, pilot, pane, "rename ecom to storefront")
            assert pane.proposal is None
            assert pane.last_answer is not None
            assert "teams.crm" in pane.last_answer.text
            assert "crmdsl chat" in pane.last_answer.text
            assert app.editor_text() == original

    asyncio.run(body())
