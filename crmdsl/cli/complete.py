"""Shell completion of values: a partial command line in, the words that may come next out.

`crmdsl --install-completion` installs typer's completion for the user's shell; this
module adds the values: the view names for `--view`, and for `--id` the subjects of the
map named before it (of that view when `--view` came first). A map that does not load
completes nothing.
"""

from __future__ import annotations

__all__ = ["subjects_of", "view_names"]


def view_names(incomplete: str) -> list[str]:
    """The views whose name starts with `incomplete`."""
    from crmdsl.views import VIEWS

    return [v for v in VIEWS if v.startswith(incomplete)]


def subjects_of(path: str, view: object, incomplete: str = "") -> list[str]:
    """The ids `render --id` takes for the map at `path` (of `view`, or of every view)."""
    from crmdsl.language.loader import analyze_path
    from crmdsl.views import VIEWS, subjects

    try:
        analysis = analyze_path(path)
    except Exception:  # noqa: BLE001 - completion never fails the shell
        return []
    if analysis.diagnostics:
        return []
    views = [view] if isinstance(view, str) and view in VIEWS else list(VIEWS)
    found: dict[str, None] = {}
    for name in views:
        try:
            found.update(dict.fromkeys(s for s in subjects(analysis.map, name) if s))
        except Exception:  # noqa: BLE001, S112 - a view without subjects
            continue
    return [s for s in found if s.startswith(incomplete)]
