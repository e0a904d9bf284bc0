"""Mutations of a valid map that keep its meaning: re-indent, move clauses from the header
line into the block, add blank lines and comments. The formatter must undo all of them.
"""

from __future__ import annotations

import random

from crmdsl.formatter.layout import classify, split_line
from crmdsl.language.parse import Line, parse_source
from crmdsl.language.source import SourceText


def mutate(text: str, rnd: random.Random) -> str:
    source = SourceText.from_text(text, "m.crm")
    parsed = parse_source(source)
    assert not parsed.diagnostics
    out: list[str] = []
    by_line: dict[int, tuple[Line, int, object]] = {}

    def walk(line: Line, depth: int, parent_spec: object) -> None:
        by_line[line.lineno] = (line, depth, parent_spec)
        spec, is_statement = classify(parent_spec, line)  # type: ignore[arg-type]
        for child in line.children:
            walk(child, depth + 1, spec if is_statement else None)

    for root in parsed.roots:
        walk(root, 0, None)
    unit = 2
    for n, raw in enumerate(source.lines[:-1] if source.final_newline else source.lines, start=1):
        if n in by_line:
            line, depth, parent_spec = by_line[n]
            if depth == 0:
                unit = rnd.choice([1, 2, 3, 4])
            pad = " " * (unit * depth)
            body = raw.strip()
            if rnd.random() < 0.15:
                out.append(pad + "# added " + str(n))
            if rnd.random() < 0.1:
                out.append("")
            spec, is_statement = classify(parent_spec, line)  # type: ignore[arg-type]
            moved: list[str] = []
            if is_statement and line.ftype is None and rnd.random() < 0.4:
                header, parts = split_line(spec, line)
                if parts and "#" not in raw:
                    keep = [p for p in parts if rnd.random() < 0.5]
                    moved = [p.text for p in parts if p not in keep]
                    body = " ".join(
                        [
                            *(str(t.value) if t.type != "COMMA" else "," for t in header),
                            *(p.text for p in keep),
                        ]
                    )
                    body = body.replace(" ,", ",")
            if rnd.random() < 0.1 and "#" not in raw:
                body += "    # eol " + str(n)
            out.append(pad + body)
            for clause in moved:
                out.append(" " * (unit * (depth + 1)) + clause)
        else:
            out.append(raw.strip() if raw.strip().startswith("#") else "")
            if rnd.random() < 0.1:
                out.append("")
    return "\n".join(out) + "\n"
