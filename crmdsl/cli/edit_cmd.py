"""`crmdsl edit`: a map (file, folder or fragment) in, the live editor running out.

Without the `tui` extra it says how to install it and exits 2. A folder opens its one
map's root; a fragment opens itself with its root's analysis (the map's other files
come from the root); a missing `.crm` file starts a new map. `--serve` serves the same
editor as a web page with textual-serve, on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer

from crmdsl.errors import UsageError

__all__ = ["INSTALL_HINT", "resolve_target", "run_edit"]

INSTALL_HINT = "crmdsl edit needs the editor's packages: pip install 'crmdsl[tui]'"


def _missing_tui() -> bool:
    try:
        import textual  # noqa: F401
    except ImportError:
        return True
    return False


def resolve_target(path: str) -> tuple[str, str]:
    """The map's root and the file to open, as crmdsl names them; `UsageError` if none."""
    from crmdsl.language.workspace import find_maps

    given = Path(path)
    if given.is_dir():
        roots = [run.path for run in find_maps([path]) if not run.fragment_alone]
        if len(roots) != 1:
            found = ", ".join(roots[:8]) if roots else "no map"
            raise UsageError(f"{path} holds {found}; name the map to edit")
        return roots[0], roots[0]
    if not given.exists():
        if (
            given.suffix != ".crm"
            or not (given.parent if str(given.parent) else Path(".")).is_dir()
        ):
            raise UsageError(
                f"no such file: {path} (a new map needs a .crm name in a folder that exists)"
            )
        return path, path
    if not given.is_file():
        raise UsageError(f"{path} is not a file")
    runs = find_maps([path]) or []
    if runs and runs[0].fragment_alone:
        runs = [r for r in find_maps([str(given.parent)]) if not r.fragment_alone]
    for run in runs:
        for name in run.analysis.sources:
            if Path(name).resolve() == given.resolve():
                return run.path, name
    return path, path


def run_edit(path: str, *, serve: bool, host: str, port: int) -> int:
    """Open the editor (or serve it); return the exit code."""
    if _missing_tui():
        typer.echo(f"error: {INSTALL_HINT}", err=True)
        return 2
    root, target = resolve_target(path)
    if serve:
        return _serve(target, host, port)
    from crmdsl.tui.app import EditorApp
    from crmdsl.tui.config import load_settings
    from crmdsl.tui.files import FileProblem
    from crmdsl.tui.images import graphics_protocol

    settings = load_settings(Path(root))
    # Asked before the app starts: afterwards Textual reads the terminal's answers.
    graphics = graphics_protocol() if settings.tui.images != "off" else None
    try:
        app = EditorApp(target, root=root, settings=settings, graphics=graphics)
    except FileProblem as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    app.run()
    return app.return_code or 0


def _serve(target: str, host: str, port: int) -> int:
    from textual_serve.server import Server

    command = shlex.join([sys.executable, "-m", "crmdsl", "edit", target])
    typer.echo(f"Serving the editor of {target} on http://{host}:{port} (ctrl+c stops it)")
    Server(command, host=host, port=port, title=f"crmdsl edit {Path(target).name}").serve()
    return 0
