"""The `crmdsl` command line, built on typer; it talks to the core through its API."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the command line (the `crmdsl` console script)."""
    from crmdsl.cli.app import run

    run()
