"""`crmdsl docs`: marked blocks in Markdown pages filled from the map, and checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.docs_sync import sync
from crmdsl.views import render

REPO = Path(__file__).resolve().parents[2]
ACME = REPO / "examples" / "acme.crm"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A folder with maps/acme.crm and docs/."""
    (tmp_path / "maps").mkdir()
    shutil.copy(ACME, tmp_path / "maps" / "acme.crm")
    (tmp_path / "docs").mkdir()
    return tmp_path


BEGIN = "<!-- crmdsl:begin view=process id=lead_to_cash map=../maps/acme.crm -->"
END = "<!-- crmdsl:end -->"


def block() -> str:
    text = render(crmdsl.load(ACME), "process", "lead_to_cash").text
    return f"```mermaid\n{text}```\n"


def test_fills_a_block_and_leaves_the_rest_byte_for_byte(site: Path) -> None:
    page = site / "docs" / "sales.md"
    before = "# Sales\n\nIntro  with  odd   spacing\t\n\n"
    after = "\nTrailing text, no final newline"
    page.write_bytes((before + BEGIN + "\nold stuff\n" + END + after).encode("utf-8"))
    code, out, err = cli("docs", str(site / "docs"))
    assert (code, err) == (0, "")
    assert out == "updated 1 block in 1 page (1 block in 1 page looked at).\n"
    assert page.read_bytes().decode("utf-8") == before + BEGIN + "\n" + block() + END + after


def test_crlf_page_stays_crlf_and_a_bom_stays(site: Path) -> None:
    page = site / "docs" / "sales.md"
    text = "\ufeff# Sales\r\n\r\n" + BEGIN + "\r\n" + END + "\r\nend\r\n"
    page.write_bytes(text.encode("utf-8"))
    assert cli("docs", str(page))[0] == 0
    data = page.read_bytes().decode("utf-8")
    assert data.startswith("\ufeff# Sales\r\n\r\n" + BEGIN + "\r\n```mermaid\r\n")
    assert data.endswith("```\r\n" + END + "\r\nend\r\n")
    assert "\n" not in data.replace("\r\n", "")


def test_check_changes_nothing_shows_a_diff_and_exits_1(site: Path) -> None:
    page = site / "docs" / "sales.md"
    page.write_text(f"# Sales\n\n{BEGIN}\n{END}\n", encoding="utf-8")
    before = page.read_bytes()
    code, out, err = cli("docs", "--check", str(site / "docs"))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{page}:3  stale: process view of lead_to_cash (map ../maps/acme.crm)"
    assert lines[1] == f"--- {page} (in the page)"
    assert f"+{BEGIN}" not in out and "+```mermaid" in out
    assert lines[-1] == f"1 stale block in 1 page; run `crmdsl docs {site / 'docs'}` to update."
    assert page.read_bytes() == before
    assert cli("docs", str(site / "docs"))[0] == 0
    code, out, _ = cli("docs", "--check", str(site / "docs"))
    assert (code, out) == (0, "1 block in 1 page: all current.\n")


def test_stale_after_the_map_changes(site: Path) -> None:
    page = site / "docs" / "sales.md"
    page.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    assert cli("docs", str(page))[0] == 0
    crm = site / "maps" / "acme.crm"
    crm.write_text(crm.read_text("utf-8").replace('"Send quote"', '"Send the quote"'), "utf-8")
    code, out, _ = cli("docs", "--check", str(page))
    assert code == 1
    assert '-\t\tp_quote["Send quote<br>' in out and '+\t\tp_quote["Send the quote<br>' in out


def test_an_unchanged_page_is_not_rewritten(site: Path) -> None:
    page = site / "docs" / "sales.md"
    page.write_text(f"{BEGIN}\n{block()}{END}\n", encoding="utf-8")
    os.utime(page, (1_000_000_000, 1_000_000_000))
    code, out, _ = cli("docs", str(site / "docs"))
    assert code == 0 and out == "1 block in 1 page: all current.\n"
    assert page.stat().st_mtime == 1_000_000_000


def test_markers_in_code_fences_are_text(site: Path) -> None:
    page = site / "docs" / "howto.md"
    text = f"Write:\n\n```\n{BEGIN}\n{END}\n```\n\n~~~md\n{BEGIN}\n~~~\n"
    page.write_text(text, encoding="utf-8")
    assert cli("docs", "--check", str(page)) == (0, "0 blocks in 1 page: all current.\n", "")


def test_quoted_values_and_other_keys(site: Path) -> None:
    (site / "my maps").mkdir()
    shutil.copy(ACME, site / "my maps" / "acme.crm")
    page = site / "docs" / "er.md"
    marker = '<!-- crmdsl:begin view=entities map="../my maps/acme.crm" mermaid-version=10.4 -->'
    page.write_text(f"{marker}\n{END}\n", encoding="utf-8")
    assert cli("docs", str(page))[0] == 0
    assert '\t"Lead" {' in page.read_text("utf-8")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            f"x\n{BEGIN.replace('process', 'pie', 1)}\n{END}\n",
            2,
            "unknown view `pie`; the views are",
        ),
        (f"{BEGIN.replace('acme.crm', 'nope.crm')}\n{END}\n", 1, "map `"),
        (f"a\nb\n{BEGIN}\nstuff\n", 3, "`crmdsl:begin` is never closed by `<!-- crmdsl:end -->`"),
        (f"{BEGIN}\n{BEGIN}\n{END}\n", 2, "a `crmdsl:begin` inside the block begun on line 1"),
        (f"{BEGIN.replace('id=', 'ident=')}\n{END}\n", 1, "unknown key `ident`; a marker takes"),
        (f"text\n{END}\n", 2, "`crmdsl:end` without a `crmdsl:begin` before it"),
        ("<!-- crmdsl:begin id=x map=../maps/acme.crm -->\n" + END + "\n", 1, "needs `view=`"),
        (f"{BEGIN.replace('lead_to_cash', 'lead')}\n{END}\n", 1, "no process `lead` in this map"),
        ("<!-- crmdsl:start view=process -->\n", 1, "unknown marker `crmdsl:start`"),
    ],
)
def test_bad_markers_are_errors_with_file_and_line(
    site: Path, body: str, line: int, message: str
) -> None:
    page = site / "docs" / "bad.md"
    page.write_text(body, encoding="utf-8")
    good = site / "docs" / "good.md"
    good.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    code, out, err = cli("docs", str(site / "docs"))
    assert code == 2
    assert err.startswith(f"error: {page}:{line}: ")
    assert message in err
    assert page.read_text("utf-8") == body  # left alone
    assert "```mermaid" in good.read_text("utf-8")  # the good page is still updated


def test_a_map_with_load_errors_is_named(site: Path) -> None:
    (site / "maps" / "bad.crm").write_text('map "M"\nsystem a "A" kind nonsense\n', "utf-8")
    page = site / "docs" / "p.md"
    page.write_text(f"{BEGIN.replace('acme', 'bad')}\n{END}\n", encoding="utf-8")
    code, _, err = cli("docs", "--check", str(page))
    assert code == 2
    assert "has 1 load error; run `crmdsl check" in err


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    code, _, err = cli("docs", str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err


def test_sync_api_reports_blocks(site: Path) -> None:
    page = site / "docs" / "sales.md"
    page.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    result = sync([site / "docs"], check=True)
    assert [(b.line, b.view, b.id, b.stale) for b in result.stale] == [
        (1, "process", "lead_to_cash", True)
    ]
    assert result.written == []


def test_this_projects_docs_are_current() -> None:
    """docs/examples.md shows the example maps' current diagrams (`crmdsl docs docs/`)."""
    code, out, err = cli("docs", "--check", str(REPO / "docs"))
    assert err == ""
    assert code == 0, f"{out}\nrun `crmdsl docs docs/` to update"
    assert "all current" in out
