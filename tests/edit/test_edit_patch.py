"""Patches: apply, exact inverse, positions, stale text, writing files with CRLF and BOM."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmdsl.edit import EditError, Patch, StalePatchError, write_patch


def _point(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_apply_and_inverse() -> None:
    texts = {"a.crm": "team a\nteam b\n"}
    patch = Patch.build(texts, [("a.crm", 5, 6, "alpha"), ("a.crm", 7, 7, "# new\n")], "demo")
    after = patch.apply(texts)
    assert after["a.crm"] == "team alpha\n# new\nteam b\n"
    assert patch.inverse().apply(after) == texts
    first = patch.replacements[0]
    assert (first.start_line, first.start_col, first.end_line, first.end_col) == (1, 6, 1, 7)


def test_a_stale_patch_is_refused() -> None:
    texts = {"a.crm": "team a\n"}
    patch = Patch.build(texts, [("a.crm", 5, 6, "b")])
    with pytest.raises(StalePatchError, match="no longer holds the text"):
        patch.apply({"a.crm": "team x\n"})


def test_overlapping_edits_are_an_error() -> None:
    with pytest.raises(EditError, match="overlap"):
        Patch.build({"a": "abcdef"}, [("a", 0, 3, "x"), ("a", 2, 4, "y")])


def test_an_edit_inside_a_removal_is_dropped() -> None:
    patch = Patch.build({"a": "abcdef"}, [("a", 0, 4, ""), ("a", 1, 2, "y")])
    assert patch.apply({"a": "abcdef"}) == {"a": "ef"}


@settings(max_examples=200)
@given(
    st.text("ab\n", max_size=30),
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 4), st.text("xy\n", max_size=4)), max_size=5
    ),
)
def test_inverse_positions_point_at_the_new_text(
    text: str, raw: list[tuple[int, int, str]]
) -> None:
    edits, last = [], -1
    for start, length, new in sorted(raw):
        start = min(start, len(text))
        if start <= last:
            continue
        end = min(start + length, len(text))
        edits.append(("f", start, end, new))
        last = end
    patch = Patch.build({"f": text}, edits)
    after = patch.apply({"f": text})
    undo = patch.inverse()
    for r in undo.replacements:
        assert after["f"][r.start : r.end] == r.old
        assert _point(after["f"], r.start) == (r.start_line, r.start_col)
        assert _point(after["f"], r.end) == (r.end_line, r.end_col)
    assert undo.apply(after) == {"f": text}


def test_write_patch_keeps_crlf_and_bom(tmp_path: Path) -> None:
    f = tmp_path / "m.crm"
    f.write_bytes('\ufeffteam a "A"\r\nteam b\r\n'.encode())
    patch = Patch.build({str(f): 'team a "A"\nteam b\n'}, [(str(f), 5, 6, "alpha")])
    assert write_patch(patch) == [str(f)]
    assert f.read_bytes() == '\ufeffteam alpha "A"\r\nteam b\r\n'.encode()
    write_patch(patch.inverse())
    assert f.read_bytes() == '\ufeffteam a "A"\r\nteam b\r\n'.encode()


def test_overlapping_removals_become_one() -> None:
    patch = Patch.build({"a": "abcdef"}, [("a", 0, 3, ""), ("a", 2, 5, "")])
    assert patch.apply({"a": "abcdef"}) == {"a": "f"}
    assert patch.inverse().apply({"a": "f"}) == {"a": "abcdef"}
