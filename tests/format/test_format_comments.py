"""Comments stay with their statement: before, at the end of, inside and after every kind
of block, however the block is laid out."""

from __future__ import annotations

import pytest

from crmdsl.formatter.printer import format_text

#: (a block, with {indent} where its body is indented) for every kind of block.
BLOCKS = {
    "map": 'map "M"\n{i}owner t\n{i}reviewed 2026-01-01',
    "team": 'team t "T"\n{i}description "Does things"',
    "persona": 'persona p "P"\n{i}needs "A"\n{i}pain "B"',
    "system": 'system s "S"\n{i}kind crm\n{i}record-of customer',
    "entity": "entity s.E\n{i}email: email pii\n{i}name: string",
    "journey": 'journey j persona p\n{i}stage a\n{i}{i}touchpoint x channel web\n{i}{i}{i}kpi "K" target 2%',
    "process": "process p2\n{i}step a -> b\n{i}decision b\n{i}{i}yes -> c\n{i}end c\n{i}flow a -> c",
    "integration": "integration i s -> s daily\n{i}map E.email -> E.name key",
    "goal": "goal g\n{i}metric m baseline 1 target 2 by 2027-01-01\n{i}cost 5 USD per year\n{i}supported-by j",
}
PRELUDE = (
    'team t\nsystem s "S" kind crm\nentity s.E\n  email: email pii\n  name: string\n'
    "persona p\njourney j\n  stage a\n"
)


def _with_comments(block: str, indent: str) -> str:
    lines = block.format(i=indent).split("\n")
    head, body = lines[0], lines[1:]
    inside = [body[0].replace(body[0].lstrip(), "# inside"), *body] if body else []
    deepest = max((len(x) - len(x.lstrip()) for x in body), default=0)
    after = " " * (deepest or len(indent)) + "# after the block"
    return "\n".join(["# before", head + "  # eol", *inside, after])


@pytest.mark.parametrize("kind", sorted(BLOCKS))
@pytest.mark.parametrize("indent", ["  ", "    ", " "])
def test_comments_stay_with_their_statement(kind: str, indent: str) -> None:
    text = (PRELUDE if kind != "map" else "") + _with_comments(BLOCKS[kind], indent) + "\nteam z\n"
    if kind == "map":
        text += PRELUDE
    out = format_text(text).split("\n")
    first = next(i for i, line in enumerate(out) if line.endswith("  # eol"))
    assert out[first - 1] == "# before"
    assert out[first].split()[0] == BLOCKS[kind].split()[0]
    inside = out.index(next(line for line in out if line.strip() == "# inside"))
    after = out.index(next(line for line in out if line.strip() == "# after the block"))
    assert first < inside < after
    assert out[inside].startswith("  #")
    assert out[after].startswith("  ")
    assert all(line.startswith(" ") or not line for line in out[first + 1 : after + 1])
    assert format_text("\n".join(out)) == "\n".join(out)
