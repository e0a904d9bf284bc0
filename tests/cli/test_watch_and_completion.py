"""`--watch` re-runs on a change to a file of the map and ends with exit 0 on ctrl+c;
shell completion offers commands, options, views and the ids of the map named before."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The console script, as a shell's completion calls it (its name picks the variables).
CRMDSL = str(Path(sys.executable).parent / "crmdsl")
ROOT_MAP = 'map "W"\ninclude "teams.crm"\n'
TEAMS = 'team a "A"\n'


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _wait_for(lines: queue.Queue[str], text: str) -> str:
    while True:
        line = lines.get(timeout=30)
        if text in line:
            return line


@pytest.mark.parametrize(
    "command", [["check"], ["docs", "--check"], ["render", "--view", "overview"]]
)
def test_watch_runs_again_on_a_change_to_a_fragment(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "m.crm").write_text(ROOT_MAP, encoding="utf-8")
    (tmp_path / "teams.crm").write_text(TEAMS, encoding="utf-8")
    page = "<!-- crmdsl:begin view=overview map=m.crm -->\n<!-- crmdsl:end -->\n"
    (tmp_path / "page.md").write_text(page, encoding="utf-8")
    target = ["page.md"] if command[0] == "docs" else ["m.crm"]
    with subprocess.Popen(
        [sys.executable, "-m", "crmdsl", *command, *target, "--watch"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    ) as process:
        errors: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_lines, args=(process.stderr, errors), daemon=True)
        reader.start()
        try:
            first = _wait_for(errors, "] exit code ")
            assert first.startswith("[") and "watching" in first
            (tmp_path / "teams.crm").write_text('team a "A"\nteam a "A"\n', encoding="utf-8")
            second = _wait_for(errors, "] exit code ")
            assert "exit code 2" in second  # the duplicate team in the fragment broke the map
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            reader.join(timeout=30)
        out = process.stdout.read() if process.stdout else ""
    if command[0] == "check":
        assert "error[duplicate-id]" in out
    if command[0] == "render":
        assert "flowchart" in out  # the first run drew the map


def complete(words: str) -> list[str]:
    line = words.split(" ")
    done = subprocess.run(
        [CRMDSL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "_CRMDSL_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(line) - 1),
        },
    )
    return done.stdout.split()


def test_completion_of_commands_options_views_and_ids() -> None:
    assert complete("crmdsl ch") == ["check", "chat"]
    assert "--statistics" in complete("crmdsl check --st")
    assert complete("crmdsl render examples/acme.crm --view jo") == ["journey"]
    assert complete("crmdsl render examples/acme.crm --view process --id ") == ["lead_to_cash"]
    assert complete("crmdsl render examples/acme.crm --id onb") == ["onboarding"]


def test_completion_is_installable() -> None:
    shown = subprocess.run([CRMDSL, "--help"], capture_output=True, text=True).stdout
    assert "--install-completion" in shown and "--show-completion" in shown
    # the script --show-completion prints for bash (it detects the shell from its parents)
    done = subprocess.run(
        [CRMDSL],
        capture_output=True,
        text=True,
        env={**os.environ, "_CRMDSL_COMPLETE": "source_bash"},
    )
    assert done.returncode == 0
    assert "_CRMDSL_COMPLETE=complete_bash" in done.stdout
