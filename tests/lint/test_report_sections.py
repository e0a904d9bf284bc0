"""`crmdsl report`: the sections of the plan, measurements, return, backlog, scale and cost,
the JSON and HTML formats (the HTML without a browser; tests/views/test_report_html.py
opens it in headless Chromium), and the escaping of the new labels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.reporting.html import markdown_to_html, mermaid_blocks
from crmdsl.reporting.report import render_report

TODAY = "2026-11-01"

PLAN = """\
map "Plan"
team svc "Service"
system zd "Zendesk" kind service retiring by 2027-06-30 owner svc
  cost 40_000 USD per year
system sf "Salesforce" kind crm users 120 licenses 100 owner svc
  cost 150 USD per month
  cost 20_000 USD once
system bot "Botco" kind service planned by 2027-03-31 owner svc
entity sf.Case "Case" records 120_000 growth 20% per year
  subject: text
entity zd.Ticket "Ticket" records 9_000
  subject: text
journey help "Get help" owner svc
  stage ask "Ask"
    touchpoint form "Web form" channel web score 2 owner svc system zd retiring
      evidence "CSAT <survey> | Q3 2026, n=412"
      idea "Pre-fill the *order* <b>number</b>" owner svc status doing for g
      idea "Drop the form" status open
      idea "Ask twice" status dropped for g
      kpi "First contact resolution" baseline 60% target 75% actual 55% as-of 2026-09-30
    touchpoint chat "Chatbot" channel chat score 4 owner svc system bot planned by 2027-03-31
goal g "Cut <i>cost</i>" owner svc horizon 2y
  metric cost baseline 500_000 USD target -20% actual -10% as-of 2026-10-01 by 2027-12-31
  metric fcr baseline 60% target 75% actual 80% by 2027-12-31
  cost 30_000 USD per year
  cost 50_000 USD once
  supported-by help
"""


@pytest.fixture()
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.crm"
    path.write_text(PLAN, encoding="utf-8")
    return path


def report(path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["report", str(path), "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_measurements_show_the_way_to_the_target(plan: Path) -> None:
    part = section(report(plan, "--no-diagrams"), "Measurements")
    assert "3 measures: 1 off track, 0 not measured yet." in part
    assert (
        "| `goal g` | cost | 500,000 USD → -10% (450,000) → -20% (400,000) by 2027-12-31 | 50% "
        "| on track | 2026-10-01 | — |" in part
    )
    assert "| `goal g` | fcr | 60% → 80% → 75% by 2027-12-31 | 133% | reached | — | — |" in part
    assert "| -33% | **off track** | 2026-09-30 | CSAT \\<survey\\> \\| Q3 2026, n=412 |" in part


def test_return_over_the_horizon_with_payback_and_realised_value(plan: Path) -> None:
    part = section(report(plan, "--no-diagrams"), "Return")
    # 100,000 a year over 2 years against 30,000 × 2 + 50,000: (200,000 − 110,000) / 110,000
    assert (
        "| Cut \\<i\\>cost\\</i\\> (`g`) | +100,000 USD | 30,000 USD | 50,000 USD | 2 years "
        "| 82% | 8.6 months | +50,000 USD a year |" in part
    )


def test_backlog_by_goal_and_status_with_owners(plan: Path) -> None:
    part = section(report(plan, "--no-diagrams"), "Backlog")
    assert "3 ideas: 1 doing, 1 open, 0 done, 1 dropped." in part
    goal = part.split("### For Cut \\<i\\>cost\\</i\\> (`g`)", 1)[1].split("###", 1)[0]
    assert goal.index(
        "| doing | Pre-fill the \\*order\\* \\<b\\>number\\</b\\> | `svc`"
    ) < goal.index("| dropped | Ask twice | **no owner**")
    assert "### For no goal" in part and "| open | Drop the form | **no owner** |" in part


def test_scale_and_cost_of_the_stack(plan: Path) -> None:
    part = section(report(plan, "--no-diagrams"), "Scale and cost")
    assert "| Zendesk (`zd`) · retiring | — | — | 40,000 USD | — |" in part
    assert (
        "| Salesforce (`sf`) | 120 (**more than licensed**) | 100 | 1,800 USD | 20,000 USD |"
        in part
    )
    assert "The stack costs 41,800 USD a year, and 20,000 USD once." in part
    assert (
        "As-is (without planned systems): 41,800 USD a year; to-be (without retiring ones): "
        in part
    )
    # 120,000 records growing 20% a year over the longest horizon, 2 years
    assert "| Case (`sf.Case`) | 120,000 | 20% a year | 172,800 |" in part
    assert "| Ticket (`zd.Ticket`) · retiring | 9,000 | — | — |" in part  # with its system


def test_from_as_is_to_to_be(plan: Path) -> None:
    part = section(report(plan, "--no-diagrams"), "From as-is to to-be")
    assert "The plan adds 2 elements and retires 2" in part
    assert "| system | `bot` | Botco | 2027-03-31 |" in part
    assert "| touchpoint | `help.form` | Web form | — |" in part
    # the to-be map loses the touchpoint whose score has no evidence... and keeps the bot's
    assert "### Findings the plan introduces" in part and "### Findings the plan clears" in part
    assert "`D307`" not in part  # the licences do not change with the plan


def test_a_map_without_a_plan_says_so() -> None:
    acme = crmdsl.load("examples/acme.crm")
    text = render_report(acme, [], dt.date(2026, 11, 1))
    assert (
        "## From as-is to to-be\n\nThe map has no plan: nothing is `planned` or `retiring`.\n"
        in text
    )
    assert "```mermaid" not in text  # the library leaves the diagrams out unless asked


def test_markdown_embeds_the_diagrams_unless_told_not_to(plan: Path) -> None:
    text = report(plan)
    headings = [line for line in section(text, "Diagrams").splitlines() if line.startswith("###")]
    assert headings == [
        "### Overview",
        "### Journey: Get help",
        "### Emotion curve: Get help",
        "### Goal: Cut \\<i\\>cost\\</i\\> (USD)",
        "### Goal: Cut \\<i\\>cost\\</i\\> (%)",
    ]
    assert len(mermaid_blocks(text)) == 5
    assert "## Diagrams" not in report(plan, "--no-diagrams")


def test_labels_stay_text_in_markdown(plan: Path) -> None:
    html = MarkdownIt("commonmark").enable("table").render(report(plan, "--no-diagrams"))
    for tag in ("<b>", "<i>", "<survey>"):
        assert tag not in html
    assert "&lt;b&gt;number&lt;/b&gt;" in html and "CSAT &lt;survey&gt; | Q3 2026" in html


def test_json_carries_the_figures(plan: Path) -> None:
    data = json.loads(report(plan, "--format", "json"))
    assert list(data) == [
        "title",
        "path",
        "today",
        "owner",
        "reviewed",
        "journeys",
        "measurements",
        "returns",
        "backlog",
        "scale",
        "plan",
        "findings",
        "suppressed",
    ]
    (ret,) = data["returns"]
    assert ret["return_pct"] == 81.8 and ret["payback_months"] == 8.6 and ret["horizon_years"] == 2
    cost = data["measurements"][0]
    assert cost["share"] == 50.0 and cost["track"] == "on track" and cost["actual"] == "-10%"
    assert cost["actual_level"] == 450_000 and cost["target_level"] == 400_000
    assert [i["status"] for i in data["backlog"]["g"]] == ["doing", "dropped"]
    assert data["scale"]["yearly_cost"] == {"USD": 41800.0}
    assert [e["id"] for e in data["plan"]["added"]] == ["bot", "help.chat"]
    assert any(f["code"] == "D307" for f in data["findings"])
    assert report(plan, "--format", "json") == report(plan, "--format", "json")


def test_html_without_diagrams_needs_no_browser(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app,
        ["report", str(plan), "--today", TODAY, "--format", "html", "--no-diagrams", "-o", str(out)]
        + ["--chromium", str(tmp_path / "none")],
    )
    assert result.exit_code == 0
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<svg" not in page
    assert "<h2>Backlog</h2>" in page
    assert "<td>Pre-fill the *order* &lt;b&gt;number&lt;/b&gt;</td>" in page
    assert "<td>CSAT &lt;survey&gt; | Q3 2026, n=412</td>" in page


def test_html_needs_the_renderer_for_diagrams(plan: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["report", str(plan), "--format", "html", "--chromium", str(tmp_path / "none")],
    )
    assert result.exit_code == 2 and "Mermaid renderer not found" in result.stderr


def test_html_puts_each_svg_in_place_with_its_own_id() -> None:
    markdown = "# T\n\n```mermaid\nflowchart LR\n```\n\n| a | b |\n|---|---|\n| `x\\|y` | **z** |\n"
    svg = '<svg id="my-svg"><style>#my-svg{fill:red}</style><text>#my-svg</text></svg>'
    page = markdown_to_html(markdown, "T <x>", [svg])
    assert "<title>T &lt;x&gt;</title>" in page
    assert (
        '<figure class="diagram"><svg id="crmdsl-diagram-1"><style>#crmdsl-diagram-1{fill:red}'
        "</style><text>#my-svg</text></svg></figure>" in page
    )
    assert "<td><code>x|y</code></td><td><strong>z</strong></td>" in page
    with pytest.raises(ValueError, match="1 mermaid blocks but 0 SVGs"):
        markdown_to_html(markdown, "T", [])


def test_bad_format_is_a_usage_error(plan: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(plan), "--format", "pdf"])
    assert (
        result.exit_code == 2 and "--format must be one of md, json, html, not pdf" in result.stderr
    )
