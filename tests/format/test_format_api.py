"""The formatter's Python API: line endings, BOM, final newline, refusals, the layout rules."""

from __future__ import annotations

import pytest

from crmdsl.errors import CrmdslError
from crmdsl.formatter.printer import FormatterBug, NotFormattable, format_text


def test_crlf_bom_and_missing_final_newline_are_kept() -> None:
    text = '\ufeffteam  a "A"\r\nteam b "B"'
    assert format_text(text) == '\ufeffteam a "A"\r\nteam b "B"'


def test_an_empty_file_stays_empty() -> None:
    assert format_text("") == ""
    assert format_text("\n\n") == ""


def test_a_file_that_does_not_parse_is_refused_with_its_load_errors() -> None:
    with pytest.raises(NotFormattable) as info:
        format_text('team a "A" sla 4h\n', "x.crm")
    assert isinstance(info.value, CrmdslError)
    assert [d.kind for d in info.value.diagnostics] == ["clause-not-allowed"]
    assert str(info.value) == "x.crm was not formatted: 1 load error in its text"


def test_a_tab_in_the_indentation_is_refused() -> None:
    with pytest.raises(NotFormattable) as info:
        format_text('system a "A"\n\tkind crm\n')
    assert info.value.diagnostics[0].kind == "tab-indent"


def test_clauses_follow_the_table_order_and_short_ones_join_the_header() -> None:
    text = 'process p\n  step s "S" -> t manual owner a\n  end t\n'
    assert format_text(text) == 'process p\n  step s "S" owner a manual -> t\n  end t\n'


def test_lists_and_prose_go_in_the_block() -> None:
    assert format_text('system s "S" record-of a,b kind crm\n') == (
        'system s "S" kind crm\n  record-of a, b\n'
    )
    assert format_text('team t description "x"\n') == 'team t\n  description "x"\n'


def test_a_header_stops_filling_at_100_characters() -> None:
    label = "x" * 58
    got = format_text(f'process p\n  step s "{label}" owner abc system def takes 2d sla 1d\n')
    lines = got.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[1].endswith("system def takes 2d")
    assert lines[2:] == ["    sla 1d"]


def test_numbers_keep_their_grouping_and_strings_their_escapes() -> None:
    text = 'entity s.E "Say \\"hi\\"" records 1_000_000\n  f: string\n'
    assert format_text(text) == text


def test_children_never_change_order() -> None:
    text = "process p\n  end z\n  step b\n  decision a\n    no -> z\n    yes -> b\n"
    assert format_text(text) == text


def test_at_most_one_blank_line_inside_blocks_and_between_declarations() -> None:
    text = "journey j\n  stage a\n\n\n\n  stage b\n\n\n\nteam t\n"
    assert format_text(text) == "journey j\n  stage a\n\n  stage b\n\nteam t\n"


def test_one_line_declarations_may_stand_together_but_blocks_are_set_apart() -> None:
    text = "team a\nteam b\nsystem s\n  kind crm\n  record-of x\nteam c\n"
    assert format_text(text) == "team a\nteam b\n\nsystem s kind crm\n  record-of x\n\nteam c\n"


def test_a_comment_keeps_a_clause_on_its_own_line() -> None:
    text = "system s\n  kind crm  # why\n"
    assert format_text(text) == text


def test_formatter_bug_is_a_crmdsl_error() -> None:
    assert issubclass(FormatterBug, CrmdslError)
