"""Helpers of the diff tests: a git repository made for them: the acme example and a history of changes.

Each commit makes one kind of change a reviewer meets: an id renamed, a touchpoint
added, an SLA changed, a system deleted with its references, a block moved to another
file through an include, and a change of layout only. The edits are made with
`crmdsl.edit`, as the editor would make them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import crmdsl
from crmdsl import edit

ROOT = Path(__file__).parents[2]
TODAY = "2026-10-01"
#: Commit messages, oldest first; `history[name]` is that commit's revision.
STEPS = ("start", "rename", "touchpoint", "sla", "delete", "move", "layout")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def run_crmdsl(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`crmdsl ARGS` as a user runs it, in `cwd`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "crmdsl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _apply(path: Path, make: Callable[[crmdsl.Analysis], edit.Patch]) -> None:
    analysis = crmdsl.analyze_path(path)
    assert analysis.diagnostics == []
    edit.write_patch(make(analysis), root=str(path.parent))


def _move_teams(repo: Path) -> None:
    text = (repo / "acme.crm").read_text(encoding="utf-8")
    teams = [line for line in text.splitlines() if line.startswith("team ")]
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("team ")]
    at = kept.index("\n", 4)
    kept.insert(at, 'include "teams.crm"\n')
    (repo / "acme.crm").write_text("".join(kept), encoding="utf-8")
    (repo / "teams.crm").write_text("\n".join(teams) + "\n", encoding="utf-8")


def _relayout(repo: Path) -> None:
    path = repo / "acme.crm"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'system hubspot "HubSpot" kind marketing owner marketing\n',
        '# where marketing keeps its contacts\nsystem hubspot "HubSpot"\n  kind marketing\n  owner marketing\n',
    )
    path.write_text(text.replace("\n\n", "\n\n\n", 1), encoding="utf-8")


def make_history(tmp: Path) -> dict[str, str]:
    """Make the repository in `tmp`; its commits by step name, and `repo`: its folder."""
    repo = tmp
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(ROOT / "examples" / "acme.crm", repo / "acme.crm")
    path = repo / "acme.crm"
    changes: dict[str, Callable[[], None]] = {
        "start": lambda: None,
        "rename": lambda: _apply(
            path, lambda a: edit.rename(a, "lead_to_cash.qualify", "check_lead")
        ),
        "touchpoint": lambda: _apply(
            path,
            lambda a: edit.add_touchpoint(
                a,
                "onboarding.help",
                "chat",
                "Live chat",
                {"channel": "chat", "score": "4", "owner": "service"},
            ),
        ),
        "sla": lambda: _apply(
            path, lambda a: edit.set_clause(a, "lead_to_cash.check_lead", "sla", "4h")
        ),
        "delete": lambda: _apply(path, lambda a: edit.delete(a, "zendesk", cascade=True)),
        "move": lambda: _move_teams(repo),
        "layout": lambda: _relayout(repo),
    }
    out = {"repo": str(repo)}
    for step in STEPS:
        changes[step]()
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", step)
        out[step] = git(repo, "rev-parse", "HEAD").strip()
    return out
