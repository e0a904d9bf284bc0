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


def test_tabs_in_the_indentation_become_spaces_when_the_blocks_are_clear() -> None:
    text = 'process p\n\tstep a "A"\n\t\towner t\n\tstep b "B"\n'
    assert format_text(text) == 'process p\n  step a "A"\n    owner t\n  step b "B"\n'


def test_tabs_mixed_with_spaces_are_refused_with_the_reason() -> None:
    with pytest.raises(NotFormattable) as info:
        format_text('system a "A"\n\tkind crm\n    owner t\n', "x.crm")
    [diag] = info.value.diagnostics
    assert diag.kind == "tab-indent"
    assert "depends on how wide a tab is" in diag.message
    assert diag.hint == "indent this block with spaces only (or with tabs only)"


def test_a_file_with_tabs_and_another_error_shows_its_errors() -> None:
    with pytest.raises(NotFormattable) as info:
        format_text('system a "A"\n\tkind nonsense\n')
    kinds = {d.kind for d in info.value.diagnostics}
    assert "tab-indent" in kinds and len(kinds) == 2


def test_clauses_stay_where_and_in_the_order_they_were_written() -> None:
    text = 'process p\n  step s "S"   -> t  manual owner a\n    sla 1d\n  end t\n'
    assert format_text(text) == 'process p\n  step s "S" -> t manual owner a\n    sla 1d\n  end t\n'


def test_lists_are_written_with_a_space_after_each_comma() -> None:
    assert format_text('system s "S" record-of a ,b kind crm\n') == (
        'system s "S" record-of a, b kind crm\n'
    )
    assert format_text('team t\n    description   "x"\n') == 'team t\n  description "x"\n'


def test_long_lines_are_not_wrapped() -> None:
    text = f'process p\n  step s "{"x" * 90}" owner abc system def takes 2d sla 1d\n'
    assert format_text(text) == text


def test_numbers_keep_their_grouping_and_strings_their_escapes() -> None:
    text = 'entity s.E "Say \\"hi\\"" records 1_000_000\n  f: string\n'
    assert format_text(text) == text


def test_children_never_change_order() -> None:
    text = "process p\n  end z\n  step b\n  decision a\n    no -> z\n    yes -> b\n"
    assert format_text(text) == text


def test_at_most_one_blank_line_inside_blocks_and_between_declarations() -> None:
    text = "journey j\n  stage a\n\n\n\n  stage b\n\n\n\nteam t\n"
    assert format_text(text) == "journey j\n  stage a\n\n  stage b\n\nteam t\n"


def test_blank_lines_are_kept_as_written_and_never_added() -> None:
    text = "team a\nteam b\nsystem s\n  kind crm\n  record-of x\nteam c\n"
    assert format_text(text) == text
    spaced = "team a\n\nsystem s\n\n  kind crm\n\n  record-of x\n\n\nteam c\n\n"
    assert format_text(spaced) == "team a\n\nsystem s\n\n  kind crm\n\n  record-of x\n\nteam c\n"


def test_end_of_line_comments_sit_two_spaces_or_more_after_the_code() -> None:
    assert format_text("team a # x\nteam bb\t# y\n") == "team a  # x\nteam bb  # y\n"
    aligned = "team a      # x\nteam bbbbb  # y\n"
    assert format_text(aligned) == aligned
    assert format_text("team    a   # x\n") == "team a   # x\n"
    nested = "system a\n    kind crm  # x\n    owner t   # y\n"
    assert format_text(nested) == "system a\n  kind crm  # x\n  owner t   # y\n"


def test_the_final_comment_gets_no_blank_line_after_it() -> None:
    assert format_text('team a "A"\n# end\n') == 'team a "A"\n# end\n'
    assert format_text('team a "A"\n\n  # end\n\n\n') == 'team a "A"\n\n  # end\n'


@pytest.mark.parametrize(
    "text",
    ["#\n\t", "#\n", "#\n\n\t\n", "  #\n#", "team a\n\t\n#\n \n", "#\r\n\t\r\n"],
)
def test_empty_comments_and_trailing_whitespace_format_idempotently(text: str) -> None:
    once = format_text(text)
    assert format_text(once) == once
    assert not any(line != line.rstrip() for line in once.splitlines())


def test_a_comment_keeps_a_clause_on_its_own_line() -> None:
    text = "system s\n  kind crm  # why\n"
    assert format_text(text) == text


def test_formatter_bug_is_a_crmdsl_error() -> None:
    assert issubclass(FormatterBug, CrmdslError)
