"""Rewrite the golden Mermaid files of the views: `python scripts/update_goldens.py`.

In: the example maps under `examples/`. Out: `tests/views/golden/<map>/<view>[-<id>].mmd`,
one file per diagram `crmdsl render --all` draws, and no other file there. Run it after
changing a view on purpose, then read the diff (`git diff tests/views/golden`) before
committing: the diff is the change users will see. `tests/views/test_views.py`
compares the same files and fails when they are out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "views" / "golden"
EXAMPLES = {
    "acme": ROOT / "examples" / "acme.crm",
    "b2b_support": ROOT / "examples" / "b2b_support.crm",
    "shop": ROOT / "examples" / "shop" / "shop.crm",
}

__all__ = ["EXAMPLES", "GOLDEN", "goldens", "main"]


def goldens() -> dict[str, str]:
    """Every golden file's path (relative to the golden folder) and its text."""
    import crmdsl
    from crmdsl.views import everything

    files: dict[str, str] = {}
    for name, path in EXAMPLES.items():
        diagrams, refused = everything(crmdsl.load(path))
        if refused:
            raise SystemExit(f"{name}: views refused: {refused}")
        for diagram in diagrams:
            files[f"{name}/{diagram.name}.mmd"] = diagram.text
    return files


def main() -> int:
    """Write the golden files; remove stale ones; print what changed."""
    wanted = goldens()
    changed = 0
    for old in sorted(GOLDEN.rglob("*.mmd")):
        relative = old.relative_to(GOLDEN).as_posix()
        if relative not in wanted:
            old.unlink()
            print(f"removed {relative}")
            changed += 1
    for relative, text in wanted.items():
        target = GOLDEN / relative
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {relative}")
        changed += 1
    print(f"{len(wanted)} golden files, {changed} changed.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
