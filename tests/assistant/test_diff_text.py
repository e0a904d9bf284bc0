"""The proposed diff compares only where the texts differ, and says the same as difflib."""

from __future__ import annotations

import difflib
import re

from hypothesis import given
from hypothesis import strategies as st

from crmdsl.assistant.session import unified_diff

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _apply(old: str, diff: str) -> str:
    """Apply a one-file unified diff to `old` (a small reference patcher)."""
    lines = old.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    for line in diff.splitlines(keepends=True)[2:]:
        found = _HUNK.match(line)
        if found:
            start = int(found.group(1)) - (0 if found.group(2) == "0" else 1)
            out += lines[at:start]
            at = start
        elif line.startswith(" "):
            assert lines[at] == line[1:]
            out.append(line[1:])
            at += 1
        elif line.startswith("-"):
            assert lines[at] == line[1:]
            at += 1
        elif line.startswith("+"):
            out.append(line[1:])
    return "".join(out + lines[at:])


def test_an_edit_deep_in_a_big_map_has_difflibs_hunk() -> None:
    """Deliberate bug caught: hunk line numbers not shifted back after the trimmed start."""
    old = "".join(f'system s{n} "S {n}"\n' for n in range(5000))
    new = old.replace('system s2500 "S 2500"\n', 'system s2500 "S 2500" kind crm\n')
    expected = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), "a/m.crm", "b/m.crm"
        )
    )
    assert unified_diff({"m.crm": old}, {"m.crm": new}) == expected
    assert "@@ -2498,7 +2498,7 @@" in expected


_LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", 'team x "X"\n', "\n"]), max_size=30)


@given(_LINES, _LINES, _LINES)
def test_the_diff_turns_the_old_text_into_the_new(
    head: list[str], mid: list[str], tail: list[str]
) -> None:
    old = "".join(head + ["old\n"] + tail)
    new = "".join(head + mid + tail)
    diff = unified_diff({"m.crm": old}, {"m.crm": new})
    if old == new:
        assert diff == ""
    else:
        assert _apply(old, diff) == new
