"""`crmdsl lsp` on the command line: without pygls, with a bad `--tcp`, and over TCP."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as t
from pygls.lsp.client import LanguageClient
from typer.testing import CliRunner

from crmdsl.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def test_without_pygls_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)
    result = CliRunner().invoke(app, ["lsp"])
    assert result.exit_code == 2
    assert "pip install 'crmdsl[lsp]'" in result.output


def test_a_bad_tcp_address_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["lsp", "--tcp", "localhost"])
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_it_serves_over_tcp() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "crmdsl", "lsp", "--tcp", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    async def talk() -> t.InitializeResult:
        for _ in range(200):
            try:
                client = LanguageClient("tcp-test", "1")
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)  # the server process is still starting
        result = await asyncio.wait_for(
            client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities())), 20
        )
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()  # type: ignore[no-untyped-call]
        return result

    try:
        result = asyncio.run(talk())
        assert result.server_info is not None and result.server_info.name == "crmdsl"
    finally:
        server.kill()
        server.wait()
        assert server.stderr is not None
        server.stderr.close()
