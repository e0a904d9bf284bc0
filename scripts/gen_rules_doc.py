"""Write docs/rules.md from the rules' docstrings: `.venv/bin/python scripts/gen_rules_doc.py`.

`--check` exits 1 (and writes nothing) when docs/rules.md is not current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from crmdsl.rules.docs import render_rules_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def main(argv: list[str]) -> int:
    """Write (or with `--check`, compare) docs/rules.md."""
    text = render_rules_markdown()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date; run: python scripts/gen_rules_doc.py")
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
