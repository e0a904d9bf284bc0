"""A bug in a command: one line naming what ran and how to report it, exit 3, no traceback.

The bug is planted in a child process (the loader raises `ZeroDivisionError`), so that
the real entry point (`python -m crmdsl`) is what is tested.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from crmdsl.cli.crash import CRASH_EXIT, crash_line, guarded, take_debug_flag

from .clirun import cli, python

PLANT = (
    "import sys\n"
    "import crmdsl.language.loader as loader\n"
    "def boom(*args, **kwargs):\n"
    "    raise ZeroDivisionError('division by zero')\n"
    "loader._Loader._file = boom\n"
    "sys.argv = ['crmdsl', *sys.argv[1:]]\n"
    "from crmdsl.cli import main\n"
    "main()\n"
)


def planted(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "CRMDSL_DEBUG"}
    return python(cwd, "-c", PLANT, *args, env={**base, **env})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "m.crm").write_text('map "M"\n  owner t\nteam t "T"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "command", [["check", "m.crm"], ["export", "json", "m.crm"], ["report", "m.crm"]]
)
def test_a_bug_is_one_line_and_exit_3(folder: Path, command: list[str]) -> None:
    done = planted(folder, *command)
    assert done.returncode == CRASH_EXIT == 3
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        "crmdsl failed: an internal error (ZeroDivisionError: division by zero)"
        f" while running `crmdsl {' '.join(command)}`."
    )
    assert "please report it" in line and "--debug" in line


def test_debug_shows_the_traceback(folder: Path) -> None:
    done = planted(folder, "check", "--debug", "m.crm")
    assert done.returncode == 3
    assert done.stderr.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: division by zero" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("crmdsl failed:")
    assert "--debug" not in done.stderr.splitlines()[-1].split("`")[1]
    by_env = planted(folder, "check", "m.crm", CRMDSL_DEBUG="1")
    assert by_env.returncode == 3 and "Traceback" in by_env.stderr


def test_bad_input_is_still_exit_2(folder: Path) -> None:
    (folder / "bad.crm").write_text("jorney j\n", encoding="utf-8")
    done = cli(folder, "check", "bad.crm")
    assert done.returncode == 2 and "crmdsl failed" not in done.stderr


def test_the_debug_flag_is_taken_out_before_a_double_dash() -> None:
    argv = ["crmdsl", "check", "--debug", "m.crm", "--", "--debug"]
    assert take_debug_flag(argv) is True
    assert argv == ["crmdsl", "check", "m.crm", "--", "--debug"]
    plain = ["crmdsl", "check", "m.crm"]
    assert take_debug_flag(plain) is (os.environ.get("CRMDSL_DEBUG", "") not in ("", "0"))


def test_a_long_command_line_is_cut() -> None:
    line = crash_line(ValueError("x" * 500), ["crmdsl", "check", *(f"f{i}.crm" for i in range(20))])
    assert "`crmdsl check f0.crm f1.crm f2.crm f3.crm f4.crm …`" in line
    assert "x" * 119 + "…" in line and "x" * 121 not in line
    assert "\n" not in line


def test_guarded_exits_3_and_130(capsys: pytest.CaptureFixture[str]) -> None:
    def bug() -> None:
        raise KeyError("k")

    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as caught:
        guarded(bug, ["crmdsl", "x"])
    assert caught.value.code == 3
    assert capsys.readouterr().err.startswith("crmdsl failed: an internal error (KeyError: 'k')")
    with pytest.raises(SystemExit) as caught:
        guarded(interrupted, ["crmdsl", "x"])
    assert caught.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"
