"""Messages that say what to do, as `crmdsl check` prints them: a sibling indented one
space off, an unknown name with nothing close, curly quotes, a date with slashes, a label
of several words without quotes, and two mistakes on one line reported together."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmdsl.cli.app import app

HEAD = 'map "M"\nteam ops "Ops"\n'


def errors(tmp_path: Path, body: str) -> list[tuple[str, str, str]]:
    """(the error line, the caret line's hint, the --> place) of each load error."""
    (tmp_path / "m.crm").write_text(HEAD + body, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "m.crm"), "--color", "never"])
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith("error["):
            place = lines[index + 1].split("m.crm:", 1)[1]
            caret = lines[index + 4].split("^", 1)[1].lstrip("^").strip()
            found.append((line, caret, place))
    return found


def test_a_sibling_indented_one_space_off(tmp_path: Path) -> None:
    body = (
        'process checkin "Check in" owner ops\n'
        '  step welcome "Welcome" owner ops\n'
        '   step verify "Verify" owner ops\n'
        '  end done "Done"\n'
    )
    assert errors(tmp_path, body) == [
        (
            "error[syntax]: `step verify` is indented 3 spaces; the steps of `checkin` are at 2",
            "indent it 2 spaces",
            "5:1",
        )
    ]


def test_an_unknown_name_with_nothing_close_says_to_declare_it(tmp_path: Path) -> None:
    body = 'integration sms "SMS" crm -> twilio via api owner ops\nsystem crm "CRM" owner ops\n'
    ((message, hint, _),) = errors(tmp_path, body)
    assert message == "error[unknown-reference]: no system `twilio`"
    assert hint == 'declare it, such as `system twilio "…"`, or fix the name'


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        (
            "system crm \u201cCRM\u201d owner ops\n",
            "error[syntax]: `\u201c` is a curly quote",
            'use straight quotes `"`, as in "Sales"',
        ),
        (
            'team b "B" description \u2018x\u2019\n',
            "error[syntax]: `\u2018` is a curly quote",
            'use straight quotes `"`, as in "Sales"',
        ),
        (
            'goal g "G" owner ops by 2026/10/01\n',
            "error[syntax]: `2026/10/01` is not a date",
            "dates are written 2026-10-01",
        ),
        (
            'goal g "G" owner ops by 10/01/2026\n',
            "error[syntax]: `10/01/2026` is not a date",
            "dates are written YYYY-MM-DD, as in 2026-10-01",
        ),
        (
            "team front Front desk\n",
            "error[syntax]: unknown clause `Front` in a team",
            'put the label in quotes: `team front "Front desk"`',
        ),
    ],
)
def test_the_fix_is_in_the_hint(tmp_path: Path, line: str, message: str, hint: str) -> None:
    found = errors(tmp_path, line)
    assert (found[0][0], found[0][1]) == (message, hint)


def test_two_mistakes_on_one_line_are_both_reported(tmp_path: Path) -> None:
    body = (
        'process checkin "Check in" owner ops\n'
        '  step greet "Greet" owner ops takes 5 minutes sla 10min\n'
        '  end done "Done"\n'
    )
    assert errors(tmp_path, body) == [
        (
            "error[syntax]: expected a duration such as 4h or 2d after `takes`, found `5`",
            "a number needs a unit: m, h, d, w, mo or y",
            "4:38",
        ),
        (
            "error[syntax]: `10min` is not a number, percent, duration or date",
            "write 10m: durations use m, h, d, w, mo and y",
            "4:52",
        ),
    ]


def test_a_bad_value_alone_is_one_error(tmp_path: Path) -> None:
    body = 'process p "P" owner ops\n  step a "A" owner ops sla 10min\n  end done "Done"\n'
    assert [e[0] for e in errors(tmp_path, body)] == [
        "error[syntax]: `10min` is not a number, percent, duration or date"
    ]
