"""Without a configured model the assistant opens no socket at all."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crmdsl.assistant.engine import Engine
from tests.assistant.conftest import ask_cli


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every attempt to open or connect a socket is recorded and refused."""
    tried: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        tried.append(args)
        raise OSError("network use in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return tried


def test_engine_and_cli_open_no_socket(
    maps: Path, engine_for: Callable[[str], Engine], no_sockets: list[Any]
) -> None:
    engine = engine_for("acme.crm")
    for request in (
        "who owns lead_sync",
        "what breaks if we remove hubspot",
        "rename lead_sync to x",
    ):
        assert engine.ask(request).kind in ("lookup", "impact", "edit")
    code, out = ask_cli("ask", "acme.crm", "where does Lead.email come from")
    assert code == 0 and "lead_sync" in out
    code, out = ask_cli("chat", "acme.crm", stdin="who owns hubspot\n/quit\n")
    assert code == 0 and "marketing" in out
    assert no_sockets == []
