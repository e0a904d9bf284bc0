"""`crmdsl diff` as a user runs it: two files, `--base REV`, `REV1 REV2`, git's external
diff driver; every format; exit codes; clear messages and exit 2 for bad input."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from diffrepo import ROOT, TODAY, git, run_crmdsl

from crmdsl.diffing.output import JSON_SCHEMA

EXPECTED_TEXT = {
    "rename": [
        '> step lead_to_cash.qualify renamed to lead_to_cash.check_lead "Qualify lead"',
        "    references that followed: touchpoint onboarding.demo: backstage; "
        "process lead_to_cash: flow; process lead_to_cash: start",
        "view process lead_to_cash changed (1 renamed)",
    ],
    "touchpoint": [
        " touchpoint | 1 added",
        '+ touchpoint onboarding.chat "Live chat"',
        "view journey onboarding changed (1 added)",
    ],
    "sla": ['~ step lead_to_cash.check_lead "Qualify lead"', "    sla 1d → 4h"],
    "delete": [
        '- system zendesk "Zendesk"',
        '- entity zendesk.Ticket "Ticket"',
        '~ touchpoint onboarding.ticket "Support ticket"',
        "    − system zendesk",
        "    − captures zendesk.Ticket.subject",
        "- resolved warning[D301] entity `zendesk.Ticket` has no field flagged `key` or "
        "`unique` (entity zendesk.Ticket)",
        "view lineage zendesk.Ticket.requester_email removed",
    ],
    "move": [
        " no change in meaning",
        "note: moved: from acme.crm to teams.crm: team revops, team sales, team marketing, "
        "team service, team it",
    ],
    "layout": [
        " no change in meaning",
        "note: format: acme.crm: the text changed, not the meaning",
    ],
}
PREVIOUS = {"rename": "start", "touchpoint": "rename", "sla": "touchpoint", "delete": "sla",
            "move": "delete", "layout": "move"}  # fmt: skip
SAME_IN_MEANING = {"move", "layout"}


def diff(history: dict[str, str], step: str, *more: str) -> subprocess.CompletedProcess[str]:
    repo = Path(history["repo"])
    return run_crmdsl(
        repo, "diff", history[PREVIOUS[step]], history[step], "acme.crm", "--today", TODAY, *more
    )


@pytest.mark.parametrize("step", list(EXPECTED_TEXT))
def test_each_commit_reads_as_what_it_changed(history: dict[str, str], step: str) -> None:
    done = diff(history, step)
    lines = done.stdout.splitlines()
    assert lines[0] == f"acme.crm ({history[PREVIOUS[step]]}) → acme.crm ({history[step]})"
    for line in EXPECTED_TEXT[step]:
        assert line in lines, (line, done.stdout)
    assert done.returncode == (0 if step in SAME_IN_MEANING else 1), done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("step", list(EXPECTED_TEXT))
def test_json_follows_its_schema(history: dict[str, str], step: str) -> None:
    done = diff(history, step, "--format", "json")
    data = json.loads(done.stdout)
    jsonschema.validate(data, JSON_SCHEMA)
    assert data["same"] is (step in SAME_IN_MEANING)
    assert done.returncode == (0 if step in SAME_IN_MEANING else 1)


def test_json_of_an_sla_change(history: dict[str, str]) -> None:
    (only,) = json.loads(diff(history, "sla", "--format", "json").stdout)["maps"]
    (step,) = only["elements"]
    assert (step["kind"], step["id"], step["status"]) == (
        "step",
        "lead_to_cash.check_lead",
        "changed",
    )
    assert step["clauses"] == [{"clause": "sla", "status": "changed", "old": "1d", "new": "4h"}]
    views = {v["view"]: v for v in only["views"]}
    assert views["process"]["counts"]["changed"] == 1
    assert views["process"]["diagram"].startswith('---\ntitle: "Changes: Lead to cash"')


def test_markdown_for_a_pull_request(history: dict[str, str]) -> None:
    text = diff(history, "delete", "--format", "md").stdout
    assert text.startswith("### Map diff: `acme.crm (")
    assert "| What | Changes |\n|---|---|\n| system | 1 removed |" in text
    assert "<details>\n<summary>Elements</summary>" in text
    assert '- removed system `zendesk` "Zendesk"' in text
    assert "  - `− captures zendesk.Ticket.subject`" in text
    assert '```mermaid\n---\ntitle: "Changes: Integrations"' in text
    assert text.count("<details") == text.count("</details>")


def test_semantic_hides_changes_of_no_meaning(history: dict[str, str]) -> None:
    done = diff(history, "move", "--semantic")
    assert done.stdout.splitlines()[1:] == [" no change in meaning"]
    assert done.returncode == 0


def test_two_revisions_without_a_path_compare_every_map(history: dict[str, str]) -> None:
    done = run_crmdsl(Path(history["repo"]), "diff", history["touchpoint"], history["sla"],
                      "--today", TODAY)  # fmt: skip
    assert "    sla 1d → 4h" in done.stdout.splitlines()
    assert done.returncode == 1


@contextlib.contextmanager
def changed_in_work_tree(path: Path, old: str, new: str) -> Iterator[None]:
    """The file with `old` replaced by `new` for the time of the block (not committed)."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before.replace(old, new), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(before, encoding="utf-8")


def test_base_compares_the_work_tree_and_writes_nothing(history: dict[str, str]) -> None:
    repo = Path(history["repo"])
    with changed_in_work_tree(repo / "acme.crm", "score 5", "score 4"):
        status = git(repo, "status", "--porcelain", "--untracked-files=all")
        done = run_crmdsl(repo, "diff", "--base", "HEAD", "acme.crm", "--today", TODAY)
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == status
    lines = done.stdout.splitlines()
    assert lines[0] == "acme.crm (HEAD) → acme.crm (work tree)"
    assert '~ touchpoint onboarding.demo "Sales demo"' in lines
    assert "    score 5 → 4" in lines
    assert done.returncode == 1


def test_base_reads_includes_at_the_revision(history: dict[str, str]) -> None:
    repo = Path(history["repo"])
    with changed_in_work_tree(repo / "teams.crm", '"IT"', '"Information technology"'):
        done = run_crmdsl(repo, "diff", "--base", "HEAD", "acme.crm", "--today", TODAY)
    assert '    label "IT" → "Information technology"' in done.stdout.splitlines()


def test_two_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old.crm", tmp_path / "new.crm"
    shutil.copy(ROOT / "examples" / "acme.crm", old)
    new.write_text(
        old.read_text(encoding="utf-8").replace("users 120", "users 150"), encoding="utf-8"
    )
    done = run_crmdsl(tmp_path, "diff", "old.crm", "new.crm", "--today", TODAY)
    assert done.stdout.splitlines()[:3] == ["old.crm → new.crm", " system | 1 changed", ""]
    assert "    users 120 → 150" in done.stdout.splitlines()
    assert done.returncode == 1
    same = run_crmdsl(tmp_path, "diff", "old.crm", "old.crm", "--today", TODAY)
    assert (same.returncode, same.stdout) == (0, "old.crm\n no change in meaning\n")


def test_a_load_error_is_reported_naming_its_side(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "acme.crm", tmp_path / "old.crm")
    text = (tmp_path / "old.crm").read_text(encoding="utf-8")
    (tmp_path / "new.crm").write_text(
        text.replace("owner sales users", "owner sale users"), encoding="utf-8"
    )
    done = run_crmdsl(tmp_path, "diff", "old.crm", "new.crm", "--today", TODAY)
    assert done.returncode == 2
    assert "the new map, new.crm, has load errors:" in done.stderr
    assert "error[unknown-reference]: no team `sale`" in done.stderr
    assert "Traceback" not in done.stderr
    assert "load error in the new map: new.crm:" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "HEAD", "old.crm"], "error: not inside a git repository"),
        (["old.crm", "missing.crm"], "error: no such file: missing.crm"),
        (["old.crm"], "error: give two map files"),
        (["old.crm", "old.crm", "--format", "xml"], "error: --format takes text, md or json"),
    ],
)
def test_bad_use_outside_git_is_a_clear_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    shutil.copy(ROOT / "examples" / "acme.crm", tmp_path / "old.crm")
    done = run_crmdsl(tmp_path, "diff", *args)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "no-such-rev", "acme.crm"], "error: unknown revision `no-such-rev`"),
        (
            ["--base", "HEAD", "nowhere.crm"],
            "error: no file nowhere.crm at HEAD or in the work tree",
        ),
        (["--base", "HEAD", ".."], "error: .. is outside the git repository"),
        (["HEAD", "nowhere"], "error: `nowhere` is neither a map file nor a git revision"),
    ],
)
def test_bad_use_in_git_is_a_clear_message(
    history: dict[str, str], args: list[str], message: str
) -> None:
    done = run_crmdsl(Path(history["repo"]), "diff", *args)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr


def test_fail_on_new(tmp_path: Path) -> None:
    old = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    (tmp_path / "old.crm").write_text(old, encoding="utf-8")
    # a score of 2 without an idea is a new warning (J105)
    (tmp_path / "new.crm").write_text(old.replace("score 3", "score 2"), encoding="utf-8")
    base = ["diff", "old.crm", "new.crm", "--today", TODAY, "--fail-on-new"]
    assert run_crmdsl(tmp_path, *base, "warning").returncode == 1
    assert run_crmdsl(tmp_path, *base, "error").returncode == 0
    # the other way round the warning is resolved: the maps differ, nothing is new
    back = ["diff", "new.crm", "old.crm", "--today", TODAY]
    assert run_crmdsl(tmp_path, *back).returncode == 1
    assert run_crmdsl(tmp_path, *back, "--fail-on-new", "info").returncode == 0
    bad = run_crmdsl(tmp_path, *base, "loud")
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: --fail-on-new takes error, warning or info\n",
    )


def git_diff_through_crmdsl(repo: Path, tmp_path: Path, *revisions: str) -> str:
    """`git diff REVISIONS` with crmdsl as the external diff driver of `.crm` files."""
    attributes = tmp_path / "attributes"
    attributes.write_text("*.crm diff=crmdsl\n", encoding="utf-8")
    command = f"{sys.executable} -m crmdsl diff --git-external --today {TODAY}"
    done = subprocess.run(
        ["git", "-c", f"core.attributesFile={attributes}", "-c", f"diff.crmdsl.command={command}",
         "diff", *revisions],
        cwd=repo, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_git_external_diff_driver(history: dict[str, str], tmp_path: Path) -> None:
    out = git_diff_through_crmdsl(
        Path(history["repo"]), tmp_path, history["touchpoint"], history["sla"]
    )
    lines = out.splitlines()
    assert lines[0] == "a/acme.crm → b/acme.crm"
    assert "    sla 1d → 4h" in lines


def test_git_external_with_a_fragment_added(history: dict[str, str], tmp_path: Path) -> None:
    out = git_diff_through_crmdsl(
        Path(history["repo"]), tmp_path, history["delete"], history["move"]
    )
    assert "a/acme.crm → b/acme.crm" in out
    assert "a/teams.crm → b/teams.crm" in out
    assert '+ team sales "Sales"' in out.splitlines()


def test_json_schema_is_printed(tmp_path: Path) -> None:
    done = run_crmdsl(tmp_path, "diff", "--json-schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == JSON_SCHEMA


def test_the_example_of_the_diff_page_is_what_crmdsl_prints(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    shown = page.split("## What it reports\n\n```text\n", 1)[1].split("```", 1)[0]
    old = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    new = (
        old.replace("manual takes 1d", "manual takes 2d")
        .replace("score 3 owner marketing", "score 2 owner marketing")
        .replace('      kpi "Demo-to-close rate" target 25%\n', "")
        .replace("qualify", "check_lead")
        .replace(
            '      pain "Has to repeat the order number"\n',
            '      pain "Has to repeat the order number"\n      pain "Waits two days for an answer"\n',
        )
    )
    (tmp_path / "acme-old.crm").write_text(old, encoding="utf-8")
    (tmp_path / "acme.crm").write_text(new, encoding="utf-8")
    done = run_crmdsl(tmp_path, "diff", "acme-old.crm", "acme.crm", "--today", TODAY)
    assert done.stdout == shown
    assert done.returncode == 1


def test_goal_figures_and_a_cost_change(tmp_path: Path) -> None:
    old = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    (tmp_path / "old.crm").write_text(old, encoding="utf-8")
    new = old.replace("cost 40_000 USD per year", "cost 50_000 USD per year")
    (tmp_path / "new.crm").write_text(new, encoding="utf-8")
    lines = run_crmdsl(tmp_path, "diff", "old.crm", "new.crm", "--today", TODAY).stdout.splitlines()
    assert "    cost 40_000 USD per year → 50_000 USD per year" in lines
    assert (
        "goal grow: +100,000 USD a year, costs 40,000 USD a year, a 150% return → "
        "+100,000 USD a year, costs 50,000 USD a year, a 100% return"
    ) in lines
    md = run_crmdsl(tmp_path, "diff", "old.crm", "new.crm", "--format", "md", "--today", TODAY)
    assert "| `grow` | +100,000 USD a year, costs 40,000 USD a year, a 150% return |" in md.stdout


def test_a_long_markdown_page_leaves_diagrams_out(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_map import generate

    old = generate(3000)
    new = old.replace("score 4", "score 2").replace("sla 1d", "sla 4h")
    (tmp_path / "old.crm").write_text(old, encoding="utf-8")
    (tmp_path / "new.crm").write_text(new, encoding="utf-8")
    md = run_crmdsl(tmp_path, "diff", "old.crm", "new.crm", "--format", "md", "--today", TODAY)
    assert md.returncode == 1
    assert (
        "<summary>Other views that changed (no room for their diagrams here)</summary>" in md.stdout
    )
    assert len(md.stdout) < 65_536


def test_a_fragment_from_a_subfolder_is_compared_through_its_root(tmp_path: Path) -> None:
    parts = tmp_path / "maps" / "parts"
    parts.mkdir(parents=True)
    (tmp_path / "maps" / "crm.crm").write_text(
        'map "M"\n  owner sales\ninclude "parts/teams.crm"\nsystem sf "Salesforce" owner sales\n',
        encoding="utf-8",
    )
    (parts / "teams.crm").write_text('team sales "Sales"\n', encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    (parts / "teams.crm").write_text('team sales "Sales team"\n', encoding="utf-8")
    done = run_crmdsl(parts, "diff", "--base", "HEAD", "teams.crm", "--today", TODAY)
    assert done.stdout.splitlines() == [
        "../crm.crm (HEAD) → ../crm.crm (work tree)",
        " team | 1 changed",
        "",
        '~ team sales "Sales team"',
        '    label "Sales" → "Sales team"',
    ], done.stderr
    assert done.returncode == 1


def test_git_external_with_a_fragment_changed(history: dict[str, str], tmp_path: Path) -> None:
    repo = Path(history["repo"])
    with changed_in_work_tree(repo / "teams.crm", '"IT"', '"Information technology"'):
        out = git_diff_through_crmdsl(repo, tmp_path)
    lines = out.splitlines()
    assert lines[0] == "a/teams.crm → b/teams.crm"
    assert '~ team it "Information technology"' in lines
    assert '    label "IT" → "Information technology"' in lines
