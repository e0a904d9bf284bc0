"""Proposals, undo and redo, stale proposals, refusals and saving, through the engine and the chat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import crmdsl
from crmdsl.assistant.engine import Engine
from crmdsl.assistant.session import Refused, Session
from tests.assistant.conftest import ask_cli


def test_accept_undo_redo_round_trip_exact_text(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("acme.crm")
    original = engine.session.text
    first = engine.ask("set the SLA of qualify to 4h")
    assert first.proposal is not None
    assert engine.session.text == original  # nothing applied before accept
    assert engine.accept() == "applied: set `sla 4h` on step `qualify`"
    after_one = engine.session.text
    assert "takes 2d sla 4h" in after_one
    engine.ask("rename lead_sync to contact_sync")
    engine.accept()
    after_two = engine.session.text
    assert engine.session.undo().startswith("undone: rename")
    assert engine.session.text == after_one
    assert engine.session.undo().startswith("undone: set")
    assert engine.session.text == original
    assert engine.session.undo() == "nothing to undo"
    engine.session.redo()
    engine.session.redo()
    assert engine.session.text == after_two
    assert engine.session.redo() == "nothing to redo"


def test_nothing_is_written_until_save(maps: Path, engine_for: Callable[[str], Engine]) -> None:
    before = (maps / "acme.crm").read_bytes()
    engine = engine_for("acme.crm")
    engine.ask("remove the ad touchpoint")
    engine.accept()
    assert (maps / "acme.crm").read_bytes() == before
    assert "-    touchpoint ad" in engine.session.unsaved_diff()
    assert engine.session.save() == "saved acme.crm"
    assert b"touchpoint ad " not in (maps / "acme.crm").read_bytes()
    assert crmdsl.analyze_path("acme.crm").ok


def test_save_keeps_crlf_and_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.crm").write_bytes(b'\xef\xbb\xbfteam sales "Sales"\r\nteam ops "Ops"\r\n')
    engine = Engine(Session("m.crm"))
    answer = engine.ask("rename ops to operations")
    assert answer.proposal is not None
    engine.accept()
    engine.session.save()
    assert (
        Path("m.crm").read_bytes() == b'\xef\xbb\xbfteam sales "Sales"\r\nteam operations "Ops"\r\n'
    )


def test_save_refused_when_the_file_changed_on_disk(
    maps: Path, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for("acme.crm")
    engine.ask("set the SLA of qualify to 4h")
    engine.accept()
    changed = (maps / "acme.crm").read_text().replace('"Lead to cash"', '"Lead 2 cash"')
    (maps / "acme.crm").write_text(changed)
    with pytest.raises(Refused, match="changed on disk"):
        engine.session.save()
    assert (maps / "acme.crm").read_text() == changed


def test_stale_proposal_is_refused_on_accept(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("acme.crm")
    answer = engine.ask("make step quote automated")
    assert answer.proposal is not None
    engine.session.set_text(engine.session.text.replace("Send quote", "Send a quote"))
    with pytest.raises(Refused, match="changed since this change was proposed"):
        engine.session.accept(answer.proposal)
    assert "Send a quote" in engine.session.text
    assert "automated takes 1d" not in engine.session.text


def test_a_patch_that_adds_a_load_error_is_refused_with_the_reason(
    engine_for: Callable[[str], Engine],
) -> None:
    engine = engine_for("acme.crm")
    text = engine.session.text
    broken = text.replace(
        "owner sales system salesforce takes 2d", "owner salez system salesforce takes 2d"
    )
    patch = crmdsl.edit.diff_patch({"acme.crm": text}, {"acme.crm": broken}, "change the owner")
    with pytest.raises(Refused, match=r"would break the map: acme.crm:62:\d+: no team `salez`"):
        engine.session.propose(patch)
    assert engine.session.pending is None
    assert engine.session.text == text


def test_an_edit_the_edit_engine_refuses_says_why(engine_for: Callable[[str], Engine]) -> None:
    answer = engine_for("acme.crm").ask("set the SLA of qualify to soon")
    assert answer.kind == "refused"
    assert answer.proposal is None
    assert "expected a duration such as 4h or 2d" in answer.text


def test_ask_apply_writes_the_file(maps: Path) -> None:
    code, out = ask_cli("ask", "acme.crm", "set the SLA of qualify to 4h", "--apply")
    assert code == 0, out
    assert "saved acme.crm" in out
    assert "takes 2d sla 4h" in (maps / "acme.crm").read_text()


def test_ask_json_gives_answer_references_and_patch(maps: Path) -> None:
    import json

    code, out = ask_cli("ask", "acme.crm", "rename lead_sync to contact_sync", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["kind"] == "edit"
    assert data["applied"] is False
    assert data["patch"]["description"] == "rename `lead_sync` to `contact_sync`"
    assert {r["line"] for r in data["references"]} == {72, 83}
    assert [r["new"] for r in data["patch"]["replacements"]] == ["contact_sync", "contact_sync"]
    code, out = ask_cli("ask", "acme.crm", "who owns lead_sync", "--format", "json")
    data = json.loads(out)
    assert data["patch"] is None
    assert {"key": "lead_sync", "file": "acme.crm", "line": 72, "col": 13} in data["references"]


def test_ask_on_a_missing_map_is_a_clear_error(maps: Path) -> None:
    code, out = ask_cli("ask", "nothere.crm", "who owns x")
    assert code == 2
    assert "error: no such file: nothere.crm" in out


def test_chat_session_undo_diff_save_quit(maps: Path) -> None:
    script = "\n".join(
        [
            "who owns lead_sync",
            "set the SLA of qualify to 4h",
            "/yes",
            "/diff",
            "/undo",
            "/redo",
            "what is the longest path of \\",
            "lead_to_cash",
            "/quit",
            "/save",
            "/quit",
        ]
    )
    code, out = ask_cli("chat", "acme.crm", "--today", "2026-10-01", stdin=script + "\n")
    assert code == 0, out
    out = " ".join(out.split())
    for said in (
        "team it (IT)",
        "applied: set sla 4h on step qualify",
        "+ step qualify",
        "undone: set sla 4h",
        "redone: set sla 4h",
        "qualify → quote → approved → order → won",
        "There are unsaved changes",
        "saved acme.crm",
    ):
        assert said in out, out
    assert "takes 2d sla 4h" in (maps / "acme.crm").read_text()


def test_chat_help_and_unknown_command(maps: Path) -> None:
    code, out = ask_cli("chat", "acme.crm", stdin="/help\n/frobnicate\n/no\n")
    assert code == 0
    assert "/undo" in out
    assert "No command /frobnicate" in out
    assert "there is no proposed change" in out


def test_a_change_that_mends_a_load_error_says_so(maps: Path) -> None:
    Path("broken.crm").write_text('team sales "Sales"\nsystem crm "CRM" owner sale\n')
    answer = Engine(Session("broken.crm")).ask("set the owner of crm to sales")
    assert answer.proposal is not None
    assert "- clears the load error: no team `sale`" in answer.text
