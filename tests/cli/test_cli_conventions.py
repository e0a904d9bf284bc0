"""The command line as ruff and D2 users expect it, run as they run it.

Output files (`-o` into a missing folder, a folder, an unwritable place), the summaries
(`docs` with bad markers, a check where some maps load and some do not), the `check`
options (`--output-file`, `--statistics`, `--exit-zero`, `[*]`), help, `-h`/`-V`,
colour, `docs -`, and what `render --all` says without Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from crmdsl.cli.app import app
from tests.cli.maps import FIXABLE

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-10-01"
ACME = str(ROOT / "examples" / "acme.crm")
UNWRITABLE = "/sys/crmdsl-cannot-write-here/out"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crmdsl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
            **(env or {}),
        },
        timeout=60,
    )


# -- files written with -o ------------------------------------------------------------------

WRITERS = {
    "render": ["render", ACME, "--view", "overview", "--format", "mmd", "-o"],
    "export json": ["export", "json", ACME, "-o"],
    "report": ["report", ACME, "--today", TODAY, "-o"],
    "schema": ["schema", "-o"],
    "check --output-file": ["check", ACME, "--today", TODAY, "--output-file"],
}


@pytest.mark.parametrize("command", list(WRITERS))
def test_output_into_a_missing_folder_creates_it(command: str, tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.txt"
    result = run(*WRITERS[command], str(target))
    assert result.exit_code in (0, 1), result.output
    assert target.stat().st_size > 0


@pytest.mark.parametrize("command", list(WRITERS))
def test_output_to_a_folder_is_a_message(command: str, tmp_path: Path) -> None:
    result = run(*WRITERS[command], str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {tmp_path} is a folder; give the name of a file to write\n",
    )


@pytest.mark.parametrize("command", list(WRITERS))
def test_output_under_a_file_is_a_message(command: str, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    target = tmp_path / "plain" / "out.txt"
    result = run(*WRITERS[command], str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write {target}: {tmp_path / 'plain'} is a file, not a folder\n"
    )


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a read-only /sys (Linux)")
@pytest.mark.parametrize("command", list(WRITERS))
def test_output_to_an_unwritable_place_is_a_message(command: str) -> None:
    result = run(*WRITERS[command], UNWRITABLE)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot ")
    assert "Traceback" not in result.output


def test_export_json_says_what_it_wrote(tmp_path: Path) -> None:
    result = run("export", "json", ACME, "-o", str(tmp_path / "acme.json"))
    assert (result.exit_code, result.stderr) == (0, f"wrote {tmp_path / 'acme.json'}\n")


@pytest.mark.parametrize("command", [("export", "json"), ("report",)])
def test_quiet_writers_say_nothing(command: tuple[str, ...], tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = run(*command, ACME, "-o", str(out), "-q")
    assert (result.exit_code, result.output) == (0, "")
    assert out.read_text(encoding="utf-8").strip()


def test_render_all_without_chromium_names_the_formats_that_need_nothing(tmp_path: Path) -> None:
    result = run("render", ACME, "--all", "-o", str(tmp_path), "--chromium", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "Mermaid text needs nothing installed: give --format mmd (or md" in result.stderr
    md = run("render", ACME, "--all", "-o", f"{tmp_path / 'out'}/", "--format", "md", "-q")
    assert md.exit_code == 0
    assert list((tmp_path / "out").glob("*.md"))


# -- summaries that tell the truth ----------------------------------------------------------

PAGE_WITH_BAD_MARKERS = """\
# Page

<!-- crmdsl:begin view=procss map={acme} -->
<!-- crmdsl:end -->

<!-- crmdsl:begin view=process id=nope map={acme} -->
<!-- crmdsl:end -->

<!-- crmdsl:bgin -->
"""


def test_docs_reports_every_bad_marker_and_never_all_current(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE_WITH_BAD_MARKERS.format(acme=ACME), encoding="utf-8")
    other = tmp_path / "other.md"
    other.write_text("<!-- crmdsl:end -->\n", encoding="utf-8")
    for args in ([], ["--check"]):
        result = run("docs", str(tmp_path), *args)
        assert result.exit_code == 2
        errors = result.stderr.splitlines()
        assert [e.split(": ", 2)[1] for e in errors] == [
            f"{other}:1",
            f"{page}:3",
            f"{page}:6",
            f"{page}:9",
        ]
        assert "unknown view `procss`; the views are" in errors[1]
        assert "lead_to_cash" in errors[2]  # the ids that exist
        assert "all current" not in result.stdout
        assert (
            result.stdout
            == "4 bad markers in 2 pages (left as they were); 0 blocks in 0 pages current.\n"
        )
    assert page.read_text(encoding="utf-8") == PAGE_WITH_BAD_MARKERS.format(acme=ACME)


def test_docs_reads_a_page_from_stdin(tmp_path: Path) -> None:
    page = f"intro\n<!-- crmdsl:begin view=process id=lead_to_cash map={ACME} -->\n<!-- crmdsl:end -->\nend\n"
    result = run("docs", "-", stdin=page)
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"intro\n<!-- crmdsl:begin view=process id=lead_to_cash map={ACME} -->\n```mermaid\n"
    )
    assert result.stdout.endswith("```\n<!-- crmdsl:end -->\nend\n")
    assert run("docs", "-", "--check", stdin=page).exit_code == 1
    assert run("docs", "-", "--check", stdin=result.stdout).exit_code == 0


def test_a_failing_multi_map_run_has_one_true_summary(tmp_path: Path) -> None:
    (tmp_path / "bad.crm").write_text('map "B"\nteam a\nsystem s owner b\n', encoding="utf-8")
    (tmp_path / "good.crm").write_text('map "G"\nteam a "A"\n', encoding="utf-8")
    result = run("check", str(tmp_path), "--today", TODAY, "--select", "P")
    assert result.exit_code == 2
    last = result.stdout.splitlines()[-1]
    assert (
        last
        == "1 load error in 1 file (1 map not linted); 1 other map (1 file) checked: no findings."
    )
    assert "the map was not linted" not in result.stdout


# -- check options --------------------------------------------------------------------------


@pytest.fixture
def fixable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("m.crm").write_text(FIXABLE, encoding="utf-8")
    return tmp_path


def test_a_fixable_finding_is_marked_and_counted(fixable: Path) -> None:
    result = run("check", "m.crm", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stdout.startswith("warning[D302] [*]: field `mobile` of `crm.Customer`")
    assert result.stdout.endswith(
        "1 warning in 1 file. [*] 1 fixable with `crmdsl check --fix`. "
        "`crmdsl explain D302` tells more.\n"
    )
    concise = run("check", "m.crm", "--today", TODAY, "--format", "concise")
    assert concise.stdout == (
        "m.crm:10:3: warning[D302] [*] field `mobile` of `crm.Customer` holds a phone number"
        " but is not flagged `pii`\n"
    )
    data = json.loads(run("check", "m.crm", "--today", TODAY, "--format", "json").stdout)
    assert data["maps"][0]["findings"][0]["fixable"] is True


def test_statistics_count_per_code(fixable: Path) -> None:
    result = run("check", "m.crm", ACME, "--today", TODAY, "--statistics")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["4", "D301", "entity-no-key"]
    assert "1  D302  [*] pii-not-flagged" in result.stdout
    counts = [int(line.split()[0]) for line in lines]
    assert counts == sorted(counts, reverse=True)


def test_exit_zero_and_output_file(fixable: Path) -> None:
    result = run("check", "m.crm", "--today", TODAY, "--exit-zero", "--output-file", "out/c.txt")
    assert (result.exit_code, result.stdout) == (0, "")
    assert Path("out/c.txt").read_text(encoding="utf-8").startswith("warning[D302] [*]: ")
    Path("bad.crm").write_text("team a\nteam a\n", encoding="utf-8")
    assert run("check", "bad.crm", "--exit-zero", "-q").exit_code == 2  # load errors still 2


def test_verbose_says_which_config(fixable: Path) -> None:
    Path("crmdsl.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    result = run("check", "-v", "--today", TODAY)
    assert result.exit_code == 0
    assert "checked m.crm (m.crm; config crmdsl.toml)\n" in result.stderr


# -- conventions ----------------------------------------------------------------------------


def test_short_help_and_version() -> None:
    assert run("-h").stdout == run("--help").stdout
    assert run("check", "-h").stdout.startswith("Usage: crmdsl check [OPTIONS] [PATH...]\n")
    assert run("-V").stdout == run("--version").stdout
    assert run("-V").stdout.startswith("crmdsl ")


def _params(command: object) -> list[object]:
    out = list(getattr(command, "params", []))
    for sub in getattr(command, "commands", {}).values():
        out += _params(sub)
    return out


def test_help_reads_like_words() -> None:
    top = run("--help").stdout
    assert "..." not in top.split("Commands:")[1].replace("begin ... -->", "")
    assert "Fill the <!-- crmdsl:begin ... --> blocks of Markdown pages with" in top
    for name in ("check", "fmt", "docs", "render", "report", "export json", "rules", "diff"):
        text = run(*name.split(), "--help").stdout
        assert "<str>" not in text and "{" not in text.split("Options:")[0], name
        assert "<int" not in text and "<float" not in text, name
    assert "--today DATE" in run("check", "--help").stdout
    assert "--config FILE" in run("check", "--help").stdout
    assert "Usage: crmdsl render [OPTIONS] MAP\n" in run("render", "--help").stdout


def test_every_option_has_help() -> None:
    import typer.main

    root = typer.main.get_command(app)
    missing = []
    for param in _params(root):
        if getattr(param, "param_type_name", "") == "option" and not getattr(
            param, "hidden", False
        ):
            if not getattr(param, "help", None):
                missing.append(getattr(param, "name", "?"))
    assert missing == []


def test_color_flag_and_environment(tmp_path: Path) -> None:
    args = ["check", ACME, "--today", TODAY]
    plain = python(*args)
    assert "\x1b[" not in plain.stdout
    assert "\x1b[" in python(*args, "--color", "always").stdout
    assert "\x1b[" in python("--color=always", *args).stdout
    assert "\x1b[" in python(*args, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in python(*args, "--color", "never", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in python(*args, env={"NO_COLOR": "1"}).stdout
    bad = python(*args, "--color", "sometimes")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_fmt_says_which_file_it_could_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmdsl.cli.fmt_cmd as fmt_cmd

    def refuse(path: object, data: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    (tmp_path / "m.crm").write_text('team a   "A"\n', encoding="utf-8")
    monkeypatch.setattr(fmt_cmd, "write_atomic", refuse)
    result = run("fmt", str(tmp_path / "m.crm"))
    assert result.exit_code == 2
    assert f"error: cannot write {tmp_path / 'm.crm'}: Permission denied\n" in result.stderr
    assert "reformatted 0 files, 0 files already formatted, 1 refused." in result.stderr
