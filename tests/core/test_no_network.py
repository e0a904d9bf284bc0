"""No network unless configured: every command of the core runs with the network cut off.

In a child process, `socket.socket.connect`, `socket.create_connection` and
`socket.getaddrinfo` raise; the commands that read and write maps (check, report,
render to Mermaid text and Markdown, export, schema, fmt, docs, diff of two files, and
the assistant with no model configured) must still do their work and exit as they
normally do, never touching the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .clirun import REPO, python

CUT_OFF = (
    "import socket, sys\n"
    "def refuse(*args, **kwargs):\n"
    "    sys.stderr.write('NETWORK USED\\n')\n"
    "    raise OSError('the network is cut off in this test')\n"
    "socket.socket.connect = refuse\n"
    "socket.socket.connect_ex = refuse\n"
    "socket.create_connection = refuse\n"
    "socket.getaddrinfo = refuse\n"
    "sys.argv = ['crmdsl', *sys.argv[1:]]\n"
    "from crmdsl.cli import main\n"
    "main()\n"
)
COMMANDS = [
    (["check", "acme.crm"], (0, 1)),
    (["report", "acme.crm", "--today", "2026-10-01"], (0,)),
    (["render", "acme.crm", "--view", "overview"], (0,)),
    (["render", "acme.crm", "--view", "overview", "-o", "page.md"], (0,)),
    (["export", "json", "acme.crm"], (0,)),
    (["schema"], (0,)),
    (["fmt", "--check", "acme.crm"], (0, 1)),
    (["docs", "docs.md"], (0, 1)),
    (["diff", "acme.crm", "acme2.crm"], (0, 1)),
    (["ask", "acme.crm", "which systems hold pii?", "--offline"], (0,)),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("offline")
    acme = (REPO / "examples" / "acme.crm").read_text(encoding="utf-8")
    (here / "acme.crm").write_text(acme, encoding="utf-8")
    (here / "acme2.crm").write_text(acme.replace("sla 1d", "sla 4h"), encoding="utf-8")
    marker = "<!-- crmdsl:begin view=overview map=acme.crm -->\n<!-- crmdsl:end -->\n"
    (here / "docs.md").write_text("# Maps\n\n" + marker, encoding="utf-8")
    return here


@pytest.mark.parametrize(("args", "codes"), COMMANDS, ids=[" ".join(a[:2]) for a, _ in COMMANDS])
def test_a_command_runs_with_the_network_cut_off(
    folder: Path, args: list[str], codes: tuple[int, ...]
) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "CRMDSL_"))}
    done = python(folder, "-c", CUT_OFF, *args, env=base, timeout=120)
    assert "NETWORK USED" not in done.stderr
    assert done.returncode in codes, done
