"""`crmdsl.edit.common_ends`: the changed middle of two texts or line lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crmdsl import edit


def test_common_ends_of_an_insertion_a_deletion_and_a_repeat() -> None:
    assert edit.common_ends("abcd", "abXcd") == (2, 2)
    assert edit.common_ends("abXcd", "abcd") == (2, 2)
    assert edit.common_ends("aaa", "aa") == (2, 0)  # the ends never overlap
    assert edit.common_ends(["a\n", "b\n"], ["a\n", "c\n"]) == (1, 0)


@given(st.text("ab\n"), st.text("ab\n"))
def test_the_middle_is_all_that_changes(old: str, new: str) -> None:
    head, tail = edit.common_ends(old, new)
    assert head + tail <= min(len(old), len(new))
    assert old[:head] + new[head : len(new) - tail] + old[len(old) - tail :] == new
