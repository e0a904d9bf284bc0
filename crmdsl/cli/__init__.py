"""The `crmdsl` command line: arguments in; text, written files and an exit code out.

Built on typer (`crmdsl.cli.app` declares the commands); it talks to the core through
the public API. Exit codes: 0 clean, 1 findings, 2 a load or usage error, 3 a bug in
crmdsl (`crmdsl.cli.crash`).
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the command line (the `crmdsl` console script)."""
    from crmdsl.cli.app import run

    run()
