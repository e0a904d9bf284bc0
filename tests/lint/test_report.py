"""`crmdsl report`: the Acme snapshot, return on investment as docs/language.md says, escaping, exit codes.

Update the golden report after an intended change with:

    CRMDSL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/lint/test_report.py
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner
from update_flag import update_requested

import crmdsl
from crmdsl.cli.app import app
from crmdsl.query.returns import goal_return
from crmdsl.reporting.markdown import duration, esc, percent
from crmdsl.reporting.report import render_report

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 23)


def report_of(text: str) -> str:
    crm_map = crmdsl.loads(textwrap.dedent(text), "m.crm")
    return render_report(crm_map, [], TODAY, path="m.crm")


def test_acme_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["report", "examples/acme.crm", "--today", "2026-11-23"])
    assert result.exit_code == 0
    path = GOLDEN / "report-acme.md"
    if update_requested("CRMDSL_UPDATE_GOLDEN"):
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")


def test_acme_key_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = CliRunner().invoke(app, ["report", "examples/acme.crm", "--today", "2026-11-23"]).output
    assert (
        "**Increase SMB sales by 10%**: +100,000 USD a year against 40,000 USD a year, "
        "a 150% return." in out
    )
    assert "| Support | 1 | 2.0 | Support ticket (2) |" in out
    assert "- It takes 3d 4h in all." in out
    assert "`qualify` → `quote` → `approved` → `order` → `won`" in out
    assert "- Support ticket (`onboarding.ticket`), score 2: Has to repeat the order number" in out
    assert "| `sales` | `it` | `quote` → `order` |" in out


def test_output_file_and_determinism(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "report.md"
    args = ["report", "examples/shop/shop.crm", "--today", "2026-11-23", "-o", str(target)]
    assert CliRunner().invoke(app, args).exit_code == 0
    first = target.read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert target.read_bytes() == first
    assert first.startswith(b"# ")


def test_load_error_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.crm"
    bad.write_text('map "B"\nsystem crm "CRM" owner nobody\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(bad)])
    assert result.exit_code == 2
    assert "no team `nobody`" in result.output


GOAL = """\
map "G"
team sales "Sales"
goal g "Grow | win" owner sales
{body}
"""


def goal_of(body: str):
    crm_map = crmdsl.loads(GOAL.format(body=textwrap.indent(textwrap.dedent(body), "  ")), "g.crm")
    return crm_map.goals[0]


def test_roi_spec_example() -> None:
    r = goal_return(
        goal_of(
            "metric revenue baseline 1_000_000 USD target +10% by 2027-06-30\ncost 40_000 USD per year\n"
        )
    )
    assert (r.currency, r.yearly_value, r.yearly_cost) == ("USD", 100_000.0, 40_000.0)
    assert r.return_pct == pytest.approx(150.0)
    assert (r.one_time_cost, r.payback_months, r.realised_value) == (0.0, None, None)


def test_roi_monthly_and_once_costs() -> None:
    r = goal_return(
        goal_of(
            "metric revenue baseline 500_000 EUR target 560_000 EUR\n"
            "cost 1_000 EUR per month\ncost 8_000 EUR per year\ncost 30_000 EUR once\n"
        )
    )
    assert (r.currency, r.yearly_value, r.yearly_cost, r.one_time_cost) == (
        "EUR",
        60_000.0,
        20_000.0,
        30_000.0,
    )
    # over 3 years: (60,000 × 3 − (20,000 × 3 + 30,000)) / 90,000
    assert r.return_pct == pytest.approx(100.0)
    assert r.payback_months == pytest.approx(9.0)  # 30,000 / (40,000 / 12)
    text = report_of(
        GOAL.format(
            body="  metric revenue baseline 500_000 EUR target 560_000 EUR\n"
            "  cost 1_000 EUR per month\n  cost 8_000 EUR per year\n"
            "  cost 30_000 EUR once"
        )
    )
    assert (
        "**Grow \\| win**: +60,000 EUR a year against 20,000 EUR a year, a 100% return over "
        "3 years. One-time cost: 30,000 EUR, paid back in 9.0 months." in text
    )


def test_roi_mixed_currencies_reported_not_summed() -> None:
    r = goal_return(
        goal_of("metric revenue baseline 1_000_000 USD target +10%\ncost 40_000 EUR per year\n")
    )
    assert r.return_pct is None and r.currency is None
    assert (
        r.problem
        == "its money is in EUR and USD, and currencies are never mixed, so no return is computed"
    )


def test_roi_without_cost_or_money_metric() -> None:
    assert goal_return(goal_of("metric revenue baseline 100 USD target +10%\n")).problem == (
        "it has no cost, so no return"
    )
    r = goal_return(goal_of("metric nps baseline 20 target 40\ncost 5_000 USD per year\n"))
    assert r.return_pct is None and r.problem.startswith("no metric has a money baseline")


def test_negative_return() -> None:
    r = goal_return(
        goal_of("metric revenue baseline 100_000 USD target +10%\ncost 20_000 USD per year\n")
    )
    assert r.return_pct == pytest.approx(-50.0)


def test_table_cells_escape_pipes() -> None:
    text = report_of(
        """\
        map "M"
        team sales "Sales | Ops"
        persona p "P"
        journey j "J" persona p owner sales
          stage s "Stage | one"
            touchpoint t "Touch | point" channel web score 2 owner sales
              pain "A | B"
        """
    )
    assert "| Stage \\| one | 1 | 2.0 | Touch \\| point (2) |" in text
    assert_tables_are_even(text)
    assert "Touch \\| point (`j.t`), score 2: A \\| B" in text


def assert_tables_are_even(text: str) -> int:
    """Every row of every table has as many cells as its header; returns the table count."""
    width = None
    tables = 0
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = line.replace("\\|", "").count("|")
        tables += width is None
        width = cells if width is None else width
        assert cells == width, line
    return tables


@pytest.mark.parametrize(
    "path", ["examples/acme.crm", "examples/b2b_support.crm", "examples/shop/shop.crm"]
)
def test_example_reports_have_even_tables(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """Catches `crmdsl report` raising on every file: the exit code is checked, and an
    empty or table-less output (which has no uneven table either) fails."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["report", path, "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# "), result.output[:200]
    assert assert_tables_are_even(result.output) >= 2


def test_even_table_check_fails_on_an_uneven_row() -> None:
    with pytest.raises(AssertionError):
        assert_tables_are_even("| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n")


def test_unscored_touchpoint_is_left_out_and_said() -> None:
    text = report_of(
        """\
        map "M"
        journey j "J"
          stage s "S"
            touchpoint a "A" channel web score 4
            touchpoint b "B" channel web
        """
    )
    assert "| S | 2 | 4.0 | A (4) |" in text
    assert "Left out of the averages, having no score: `j.b`." in text


def test_helpers() -> None:
    """A percentage has one rounding: an exact half goes to the even digit (2.25 → 2.2%,
    12.5 → 12%), as Python's formatting does; the test no longer accepts two answers."""
    assert duration(3 * 1440 + 4 * 60) == "3d 4h"
    assert duration(45) == "45m"
    assert percent(1177.4) == "1,177%"
    assert percent(2.25) == "2.2%"
    assert percent(2.35) == "2.4%"
    assert percent(12.5) == "12%"
    assert percent(-0.04) == "0%"
    assert esc("a <b> [c](d) *e* _f_ `g`") == "a \\<b\\> \\[c\\](d) \\*e\\* \\_f\\_ \\`g\\`"
