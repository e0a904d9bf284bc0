"""`crmdsl fmt` as a user runs it: exit codes, output, files written or left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmdsl.cli.app import app

UGLY = 'map "M"\n    owner   a\n\n\nteam a "A"  \nsystem s "S"\n      kind crm\n'
PRETTY = 'map "M"\n  owner a\n\nteam a "A"\nsystem s "S"\n  kind crm\n'


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_fmt_rewrites_a_file(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "m.crm", UGLY)
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 0, result.output
    assert f.read_text() == PRETTY
    assert "reformatted 1 file" in result.output


def test_fmt_leaves_a_formatted_file_and_its_mtime_alone(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "m.crm", PRETTY)
    os.utime(f, (1_000_000, 1_000_000))
    result = runner.invoke(app, ["fmt", str(tmp_path)])
    assert result.exit_code == 0
    assert f.stat().st_mtime == 1_000_000
    assert "1 file already formatted" in result.output


def test_check_lists_files_that_would_change_and_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    ugly = _write(tmp_path / "ugly.crm", UGLY)
    _write(tmp_path / "pretty.crm", PRETTY)
    result = runner.invoke(app, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"would reformat {ugly}" in result.output
    assert "pretty.crm" not in result.output.split("would reformat 1 file")[0]
    assert ugly.read_text() == UGLY


def test_check_exits_0_when_everything_is_formatted(tmp_path: Path, runner: CliRunner) -> None:
    _write(tmp_path / "pretty.crm", PRETTY)
    assert runner.invoke(app, ["fmt", "--check", str(tmp_path)]).exit_code == 0


def test_diff_prints_a_unified_diff(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "m.crm", UGLY)
    result = runner.invoke(app, ["fmt", "--diff", str(f)])
    assert result.exit_code == 1
    assert f"--- {f} (before)\n+++ {f} (formatted)\n" in result.output
    assert "-    owner   a\n+  owner a\n" in result.output
    assert f.read_text() == UGLY


def test_stdin_is_formatted_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["fmt", "-"], input=UGLY)
    assert result.exit_code == 0
    assert result.stdout == PRETTY


def test_stdin_keeps_crlf_and_bom(runner: CliRunner) -> None:
    data = ("\ufeff" + UGLY.replace("\n", "\r\n")).encode("utf-8")
    result = runner.invoke(app, ["fmt", "-"], input=data)
    assert result.stdout_bytes == ("\ufeff" + PRETTY.replace("\n", "\r\n")).encode("utf-8")


def test_a_file_that_does_not_parse_is_refused_and_untouched(
    tmp_path: Path, runner: CliRunner
) -> None:
    text = 'map "M"\nteam a "A"\n  step x\nsystem   s "S"\n'
    f = _write(tmp_path / "bad.crm", text)
    os.utime(f, (1_000_000, 1_000_000))
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 2
    assert (
        "error[clause-not-allowed]: a step belongs inside a process, not in a team" in result.output
    )
    assert f"--> {f}:3:3" in result.output
    assert f"error: {f} was not formatted: 1 load error in its text" in result.output
    assert f.read_bytes() == text.encode()
    assert f.stat().st_mtime == 1_000_000


def test_a_refused_file_does_not_stop_the_others(tmp_path: Path, runner: CliRunner) -> None:
    _write(tmp_path / "a_bad.crm", "team\n")
    good = _write(tmp_path / "b_good.crm", UGLY)
    result = runner.invoke(app, ["fmt", str(tmp_path)])
    assert result.exit_code == 2
    assert good.read_text() == PRETTY
    assert "1 refused" in result.output


def test_a_fragment_with_unknown_references_is_formatted(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "frag.crm", 'system s "S"\n    owner   nobody\n')
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 0
    assert f.read_text() == 'system s "S"\n  owner nobody\n'


def test_the_safety_check_refuses_and_reports_a_bug(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmdsl.formatter.printer as fmt

    original = fmt.layout_lines

    def wrong(parsed: object) -> list[tuple[int, str]]:
        return [(n, text.replace('"A"', '"B"')) for n, text in original(parsed)]  # type: ignore[arg-type]

    monkeypatch.setattr(fmt, "layout_lines", wrong)
    f = _write(tmp_path / "m.crm", UGLY)
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 2
    assert "would change what it says" in result.output
    assert "this is a bug in crmdsl fmt" in result.output
    assert f.read_text() == UGLY


def test_the_safety_check_catches_a_changed_statement(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmdsl.formatter.layout import join_tokens as original

    monkeypatch.setattr(
        "crmdsl.formatter.printer.join_tokens",
        lambda toks: original(toks).replace('"S"', '"X"'),
    )
    f = _write(tmp_path / "m.crm", UGLY)
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 2
    assert "would change what it says (declarations[2].label: 'S' != 'X')" in result.output
    assert f.read_text() == UGLY


def test_no_such_path_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["fmt", str(tmp_path / "nope.crm")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_crlf_and_bom_on_disk_are_kept(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "m.crm", ("\ufeff" + UGLY.replace("\n", "\r\n")).encode("utf-8"))
    assert runner.invoke(app, ["fmt", str(f)]).exit_code == 0
    assert f.read_bytes() == ("\ufeff" + PRETTY.replace("\n", "\r\n")).encode("utf-8")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    f = _write(tmp_path / "m.crm", b'team a "\xff"\n')
    result = runner.invoke(app, ["fmt", str(f)])
    assert result.exit_code == 2
    assert "the file is not UTF-8 text: byte 0xff at line 1 cannot be read" in result.output
    assert f.read_bytes() == b'team a "\xff"\n'


def test_stdin_check_and_diff(runner: CliRunner) -> None:
    assert runner.invoke(app, ["fmt", "-", "--check"], input=PRETTY).exit_code == 0
    result = runner.invoke(app, ["fmt", "-", "--check"], input=UGLY)
    assert result.exit_code == 1 and "would reformat <stdin>" in result.output
    result = runner.invoke(
        app, ["fmt", "-", "--diff", "--stdin-filename", "maps/m.crm"], input=UGLY
    )
    assert result.exit_code == 1
    assert "--- maps/m.crm (before)" in result.output


def test_stdin_that_does_not_parse_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["fmt", "-"], input="team a sla\n")
    assert result.exit_code == 2
    assert "error[clause-not-allowed]" in result.output
    assert result.stdout == ""


def test_the_examples_and_the_docs_are_formatted(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    result = runner.invoke(app, ["fmt", "--check", "examples", "docs"])
    assert result.exit_code == 0, result.output
    assert "would reformat 0 files" in result.output


def test_crm_blocks_of_markdown_pages_are_formatted(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "docs").mkdir()
    page = _write(
        tmp_path / "docs" / "page.md",
        "# A page\n\n```crm\nteam   a\n```\n\n```crm\nteam a sla 4h\n```\n\n```\nteam   b\n```\n",
    )
    other = _write(tmp_path / "docs" / "other.md", "No maps here.   \n")
    result = runner.invoke(app, ["fmt", "--check", str(tmp_path / "docs")])
    assert result.exit_code == 1, result.output
    assert f"would reformat {page}" in result.output
    assert "other.md" not in result.output
    assert runner.invoke(app, ["fmt", str(tmp_path / "docs")]).exit_code == 0
    assert page.read_text() == (
        "# A page\n\n```crm\nteam a\n```\n\n```crm\nteam a sla 4h\n```\n\n```\nteam   b\n```\n"
    )
    assert other.read_text() == "No maps here.   \n"
    assert runner.invoke(app, ["fmt", "--check", str(page)]).exit_code == 0


def test_a_folder_with_neither_maps_nor_pages_is_a_usage_error(
    tmp_path: Path, runner: CliRunner
) -> None:
    _write(tmp_path / "notes.md", "```python\nx = 1\n```\n")
    result = runner.invoke(app, ["fmt", str(tmp_path)])
    assert result.exit_code == 2
    assert "no .crm files in the folder" in result.output


def test_a_markdown_page_on_stdin(runner: CliRunner) -> None:
    page = "Text\n\n```crm\nteam   a\n```\n"
    result = runner.invoke(app, ["fmt", "-", "--stdin-filename", "docs/p.md"], input=page)
    assert result.exit_code == 0
    assert result.stdout == "Text\n\n```crm\nteam a\n```\n"
