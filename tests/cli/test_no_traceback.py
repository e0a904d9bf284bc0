"""No command prints a traceback, whatever it is fed: a missing folder, a folder where a
file belongs, an unwritable path, a binary file, an empty file, a FIFO, or a closed stdin.

Each case runs the real command in a subprocess (a FIFO and a closed stdin need one) and
asks for a clear ending: exit code 0, 1 or 2, and no Python traceback on either stream.
`crmdsl edit` is left out (it opens the full-screen editor; tests/tui covers its files).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Each command, with {in} where the input path goes and {out} where an output path goes.
COMMANDS = {
    "check": ["check", "{in}"],
    "check --output-file": ["check", "examples/acme.crm", "--output-file", "{out}"],
    "fmt": ["fmt", "{in}"],
    "render": ["render", "{in}", "--view", "overview"],
    "render -o": ["render", "examples/acme.crm", "--view", "overview", "-o", "{out}"],
    "docs": ["docs", "{in}"],
    "report": ["report", "{in}"],
    "report -o": ["report", "examples/acme.crm", "-o", "{out}"],
    "export json": ["export", "json", "{in}"],
    "export json -o": ["export", "json", "examples/acme.crm", "-o", "{out}"],
    "schema -o": ["schema", "-o", "{out}"],
    "diff": ["diff", "{in}", "examples/acme.crm"],
    "ask": ["ask", "{in}", "who owns lead_sync", "--offline"],
    "chat": ["chat", "{in}", "--offline"],
    "rules --config": ["rules", "--config", "{in}"],
    "explain": ["explain", "{in}"],
    "lsp": ["lsp"],
}

INPUTS = (
    "missing folder",
    "folder for a file",
    "unwritable path",
    "binary file",
    "empty file",
    "fifo",
    "stdin closed",
)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("inputs")
    (base / "folder").mkdir()
    (base / "binary.crm").write_bytes(bytes(range(256)) * 64)
    (base / "empty.crm").write_bytes(b"")
    os.mkfifo(base / "fifo.crm")
    return {
        "missing folder": str(base / "no-such-folder" / "map.crm"),
        "folder for a file": str(base / "folder"),
        "unwritable path": "/sys/crmdsl-cannot-write-here/out.txt",
        "binary file": str(base / "binary.crm"),
        "empty file": str(base / "empty.crm"),
        "fifo": str(base / "fifo.crm"),
        "stdin closed": "-",
    }


def _run(args: list[str], close_stdin: bool, cwd: Path) -> subprocess.CompletedProcess[str]:
    def close() -> None:
        os.close(0)

    return subprocess.run(
        [sys.executable, "-m", "crmdsl", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL if not close_stdin else None,
        preexec_fn=close if close_stdin else None,
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _applies(command: str, what: str) -> bool:
    """A command without a path meets only a closed stdin; an output path is not read."""
    template = COMMANDS[command]
    if "{in}" not in template and "{out}" not in template:
        return what == "stdin closed"
    return not ("{out}" in template and what in ("binary file", "empty file", "stdin closed"))


@pytest.mark.parametrize(
    ("command", "what"),
    [(command, what) for command in COMMANDS for what in INPUTS if _applies(command, what)],
)
def test_no_traceback(command: str, what: str, places: dict[str, str], tmp_path: Path) -> None:
    template = COMMANDS[command]
    place = places[what]
    if what == "missing folder":  # a command that writes creates it: one per command
        place = str(tmp_path / "no-such-folder" / "map.crm")
    args = [a.replace("{in}", place).replace("{out}", place) for a in template]
    done = _run(args, what == "stdin closed", ROOT)
    shown = done.stdout + done.stderr
    assert "Traceback" not in shown, shown
    assert done.returncode in (0, 1, 2), shown
    if what in ("missing folder", "folder for a file", "binary file", "fifo"):
        if "{out}" not in template and command not in ("explain", "docs"):
            assert done.returncode == 2, shown
    if what == "fifo" and "{in}" in template and command != "explain":  # explain takes a code
        assert "not a regular file" in shown, shown
