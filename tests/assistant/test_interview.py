"""The guided interview driven by scripted answers: skip, back, stop and resume."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import crmdsl
from crmdsl.assistant.interview import QUESTIONS, run_interview, sidecar_of
from tests.assistant.conftest import ask_cli

FULL = [
    "Acme",
    "Sales, Marketing, Service",
    "SMB buyer",
    "web, email, Partner portal",
    "Salesforce, HubSpot, Zendesk",
    "Salesforce: customer; Zendesk: ticket",
    "Salesforce: Lead(email, phone, status)",
    "Awareness, Purchase, Support",
    "Awareness: LinkedIn ad, Webinar; Support: Ticket",
    "Webinar: 4; Ticket: 2",
    "Ticket: Has to repeat the order number",
    "skip",
    "Ticket",
    "Lead to cash: Qualify, Quote, Order",
    "Qualify: Sales 1d; Quote: Sales 2d",
    "HubSpot -> Salesforce daily; Salesforce <-> Zendesk realtime",
    "Grow SMB sales: baseline 1_000_000 USD, target +10%, by 2027-06-30, cost 40_000 USD per year",
]


def _reader(answers: list[str]) -> Iterator[str]:
    yield from answers


def _run(path: str, answers: list[str]) -> list[str]:
    said: list[str] = []
    feed = _reader(answers)

    def read(_: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    run_interview(path, read, said.append)
    return said


def test_full_interview_writes_a_formatted_map_that_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    said = _run("new.crm", FULL)
    text = Path("new.crm").read_text()
    analysis = crmdsl.analyze_path("new.crm")
    assert analysis.ok, analysis.diagnostics
    assert crmdsl.format_text(text, "new.crm") == text
    mp = analysis.map
    assert mp.title == "Acme"
    assert [t.id for t in mp.teams] == ["sales", "marketing", "service"]
    assert [s.id for s in mp.systems] == ["salesforce", "hubspot", "zendesk"]
    assert mp.lookup("customer_journey.ticket").moment_of_truth
    assert mp.lookup("customer_journey.ticket").pains == ["Has to repeat the order number"]
    assert mp.lookup("lead_to_cash").node("qualify").sla.text == "1d"
    assert crmdsl.goal_return(mp.goals[0]).return_pct == 150.0
    assert "# open question: Any ideas to fix those pains?" in text  # the skipped one
    assert not sidecar_of("new.crm").exists()
    assert said[-1].startswith("Done: new.crm is written and loads. What to map next:")
    assert "J106" in said[-1]


def test_no_answers_at_all_still_gives_a_valid_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _run("empty.crm", ["skip"] * len(QUESTIONS))
    analysis = crmdsl.analyze_path("empty.crm")
    assert analysis.ok
    text = Path("empty.crm").read_text()
    assert text.count("# open question:") == len(QUESTIONS)


def test_stop_keeps_progress_and_running_again_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    said = _run("m.crm", ["Acme", "Sales", "stop"])
    assert said[-1].startswith("Stopped. The map so far is in m.crm")
    progress = json.loads(sidecar_of("m.crm").read_text())
    assert progress == {"answers": {"title": "Acme", "teams": "Sales"}, "at": 2}
    assert crmdsl.analyze_path("m.crm").ok
    said = _run("m.crm", FULL[2:])
    assert said[0] == "Resuming at question 3 of 17."
    mp = crmdsl.load("m.crm")
    assert mp.title == "Acme"
    assert [t.id for t in mp.teams] == ["sales"]
    assert mp.header is not None and mp.header.owner is not None
    assert mp.header.owner.text == "sales"


def test_back_returns_to_the_previous_question_with_its_answer_as_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    said = _run("b.crm", ["Acme", "Sales", "back", "Sales, Support", "back", "back", "", "stop"])
    assert "[Acme]" in said[-3]  # the title question again, its answer the default
    assert [t.id for t in crmdsl.load("b.crm").teams] == ["sales", "support"]


def test_an_answer_that_would_not_load_is_left_out_and_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = ["skip"] * len(QUESTIONS)
    answers[-1] = "Grow: baseline lots, target more"
    _run("g.crm", answers)
    text = Path("g.crm").read_text()
    assert crmdsl.analyze_path("g.crm").ok
    assert "# left out (it did not load:" in text
    assert "#   goal grow" in text


def test_interview_through_the_cli_and_an_existing_file_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = ask_cli("chat", "--interview", "c.crm", stdin="Acme\nSales\nstop\n")
    assert code == 0
    assert "Stopped." in out
    Path("taken.crm").write_text('team a "A"\n')
    code, out = ask_cli("chat", "--interview", "taken.crm", stdin="")
    assert code == 2
    assert "taken.crm exists" in out
