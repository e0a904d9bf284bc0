"""`crmdsl lsp`: options in, the language server running on stdio (or TCP) out.

Without the `lsp` extra (pygls) it says how to install it and exits 2. `--tcp HOST:PORT`
serves one client over TCP instead, for debugging.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

__all__ = ["INSTALL_HINT", "lsp_command"]

INSTALL_HINT = "crmdsl lsp needs the language server's packages: pip install 'crmdsl[lsp]'"


def _address(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise typer.BadParameter(f"expected HOST:PORT such as 127.0.0.1:2087, not {value!r}")
    return host, int(port)


def lsp_command(
    tcp: Annotated[
        str | None,
        typer.Option("--tcp", help="Serve on TCP at HOST:PORT instead of stdio (for debugging)."),
    ] = None,
) -> None:
    """Run the language server for editors (needs crmdsl[lsp]).

    Example: crmdsl lsp
    """
    address = _address(tcp) if tcp is not None else None
    if address is None and (sys.stdin is None or sys.stdout is None):
        typer.echo(
            "error: the language server talks over stdin and stdout; one is closed", err=True
        )
        raise typer.Exit(2)
    try:
        import pygls  # noqa: F401
    except ImportError:
        typer.echo(f"error: {INSTALL_HINT}", err=True)
        raise typer.Exit(2) from None
    from crmdsl.lsp.server import serve

    serve(address)
