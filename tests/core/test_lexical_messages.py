"""Characters people type by habit from other languages get words, not `unexpected character`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app


@pytest.mark.parametrize(
    ("text", "message", "hint", "col"),
    [
        (
            "team a 'Sales'\n",
            "a text is written in double quotes",
            "write \"...\" instead of '...'",
            8,
        ),
        ("integration i a => b\n", "`=>` is not an arrow", "did you mean `->`?", 17),
        (
            "system s users 10 %\n",
            "a percent sign goes right after its number",
            "write 10%, not 10 %",
            19,
        ),
        (
            "team a = b\n",
            "`=` means nothing in crmdsl",
            "write a clause as a keyword and its value: owner sales",
            8,
        ),
    ],
)
def test_habits_from_elsewhere(text: str, message: str, hint: str, col: int) -> None:
    (d,) = crmdsl.analyze(text, "m.crm").diagnostics
    assert (d.kind, d.message, d.hint, d.span.line, d.span.col) == ("syntax", message, hint, 1, col)


def test_a_very_long_string_is_read_in_linear_time() -> None:
    # Not a timing assertion: a regex that backtracks takes tens of seconds here, and the
    # test suite's own timeout would say so. What is asserted is the result.
    text = 'team a "' + "x" * 2_000_000 + '"\n'
    assert crmdsl.loads(text).teams[0].label == "x" * 2_000_000
    (d,) = crmdsl.analyze('team a "' + "x" * 2_000_000 + "\n", "m.crm").diagnostics
    assert d.message == "this string is not closed"


def test_stdin_that_is_not_utf8_is_a_load_error() -> None:
    result = CliRunner().invoke(
        app, ["check", "-", "--stdin-filename", "in.crm"], input=b"team a\n\xff\n"
    )
    assert result.exit_code == 2
    assert (
        "error[syntax]: the file is not UTF-8 text: byte 0xff at line 2 cannot be read"
        in result.output
    )
    assert "--> in.crm:2:1" in result.output
