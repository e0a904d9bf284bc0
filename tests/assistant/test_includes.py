"""A map of several files: a change reaches every file that needs it, and is undone and
saved with them; the editor's pane, which edits one file, refuses what reaches another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import crmdsl
from crmdsl.assistant.engine import Engine
from crmdsl.assistant.session import Refused, Session
from tests.assistant.conftest import EXAMPLES, TODAY, ask_cli


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shop example (a root and seven included files); the cwd."""
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    monkeypatch.chdir(tmp_path / "shop")
    return tmp_path / "shop"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.crm"))}


def test_a_rename_reaches_every_file_and_is_undone_and_saved_with_them(shop: Path) -> None:
    on_disk = _files(shop)
    engine = Engine.open("shop.crm", today=TODAY)
    answer = engine.ask("rename ecom to storefront")
    assert answer.proposal is not None, answer.text
    touched = sorted(
        name for name, text in answer.proposal.after.items() if answer.proposal.before[name] != text
    )
    assert "teams.crm" in touched and len(touched) >= 2
    for name in touched:
        assert f"--- a/{name}" in answer.proposal.diff
    engine.accept()
    assert _files(shop) == on_disk  # nothing written before save
    renamed = dict(engine.session.texts)
    assert not engine.session.analysis.diagnostics
    assert "team storefront" in renamed["teams.crm"]
    engine.session.undo()
    assert {n: engine.session.texts[n] for n in touched} == {
        n: (shop / n).read_text(encoding="utf-8") for n in touched
    }
    engine.session.redo()
    assert engine.session.texts == renamed
    assert engine.session.save() == f"saved {', '.join(touched)}"
    after = _files(shop)
    assert {n for n in after if after[n] != on_disk[n]} == set(touched)
    assert not crmdsl.analyze_path("shop.crm").diagnostics
    assert engine.session.save() == "nothing to save"


def test_a_change_in_one_included_file_and_a_question_after_it(shop: Path) -> None:
    engine = Engine.open("shop.crm", today=TODAY)
    answer = engine.ask("set the SLA of fulfilment.route to 30m")
    assert answer.proposal is not None, answer.text
    assert [
        n for n in answer.proposal.after if answer.proposal.before[n] != answer.proposal.after[n]
    ] == ["processes.crm"]
    engine.accept()
    reply = engine.ask("what is the SLA of fulfilment.route")
    assert "30m" in reply.text


def test_save_is_refused_when_an_included_file_changed_on_disk(shop: Path) -> None:
    engine = Engine.open("shop.crm", today=TODAY)
    engine.ask("rename ecom to storefront")
    engine.accept()
    (shop / "teams.crm").write_text("# changed meanwhile\n", encoding="utf-8")
    on_disk = _files(shop)
    with pytest.raises(Refused, match="changed on disk"):
        engine.session.save()
    assert _files(shop) == on_disk  # no file written, not even those that did not change


def test_ask_apply_writes_every_file_of_the_change(shop: Path) -> None:
    code, out = ask_cli("ask", "shop.crm", "rename ecom to storefront", "--apply")
    assert code == 0, out
    assert "team storefront" in (shop / "teams.crm").read_text(encoding="utf-8")
    assert not crmdsl.analyze_path("shop.crm").diagnostics


def test_a_session_on_one_file_refuses_a_change_that_reaches_another(shop: Path) -> None:
    session = Session("shop.crm", today=TODAY, one_file=True)
    engine = Engine(session)
    answer = engine.ask("rename ecom to storefront")
    assert answer.proposal is None
    assert "teams.crm" in answer.text and "crmdsl chat" in answer.text
    assert session.texts == {"shop.crm": (shop / "shop.crm").read_text(encoding="utf-8")}


def test_chat_on_a_map_of_several_files_shows_and_saves_each(shop: Path) -> None:
    script = "rename ecom to storefront\n/yes\n/diff\n/save\n/quit\n"
    code, out = ask_cli("chat", "shop.crm", stdin=script)
    assert code == 0, out
    assert "a/teams.crm" in out and "b/journeys.crm" in out
    assert "saved " in out and "teams.crm" in out
    assert "team storefront" in (shop / "teams.crm").read_text(encoding="utf-8")
    assert not crmdsl.analyze_path("shop.crm").diagnostics
