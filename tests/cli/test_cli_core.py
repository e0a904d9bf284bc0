"""The core commands as a user runs them: `check` (load errors), `export json`, `schema`,
`--version`; exit codes, output bytes, stdin, colour, and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from crmdsl import __version__
from crmdsl.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["examples/acme.crm", "examples/b2b_support.crm", "examples/shop/shop.crm"]
TODAY = "2026-10-01"
BROKEN = 'map "M"\n  reviewed 2026-02-30\nteam sales\nsystem sf owner sale\n'
BROKEN_TEXT = """\
error[bad-value]: `2026-02-30` is not a real date
  --> broken.crm:2:12
  |
2 |   reviewed 2026-02-30
  |            ^^^^^^^^^^ a date is YYYY-MM-DD, a day that exists
  |
error[unknown-reference]: no team `sale`
  --> broken.crm:4:17
  |
4 | system sf owner sale
  |                 ^^^^ did you mean `sales`?
  |
2 load errors in 1 file; the map was not linted.
"""


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr


# -- check ----------------------------------------------------------------------------------


def test_check_clean_exits_0() -> None:
    result = run("check", "examples/acme.crm", "--fail-on", "error", "--today", TODAY)
    assert result.exit_code == 0
    no_traceback(result)


def test_check_quiet_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "broken.crm").write_text(BROKEN, encoding="utf-8")
    result = run("check", str(tmp_path / "broken.crm"), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "")


def test_check_load_errors_exit_2_with_every_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.crm").write_text(BROKEN, encoding="utf-8")
    result = run("check", "broken.crm")
    assert result.exit_code == 2
    assert result.stdout == BROKEN_TEXT
    assert "\x1b[" not in result.stdout


def test_check_load_error_wins_across_maps(tmp_path: Path) -> None:
    (tmp_path / "broken.crm").write_text(BROKEN, encoding="utf-8")
    result = run("check", "examples/acme.crm", str(tmp_path / "broken.crm"), "--today", TODAY)
    assert result.exit_code == 2
    assert "error[bad-value]" in result.stdout and "warning[" in result.stdout


def test_check_json_shape(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.crm").write_text(BROKEN, encoding="utf-8")
    result = run("check", "broken.crm", "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    (entry,) = report["maps"]
    assert (entry["path"], entry["files"], entry["loaded"]) == ("broken.crm", ["broken.crm"], False)
    assert [
        {k: e[k] for k in ("kind", "message", "file", "line", "column")}
        for e in entry["load_errors"]
    ] == [
        {
            "kind": "bad-value",
            "message": "`2026-02-30` is not a real date",
            "file": "broken.crm",
            "line": 2,
            "column": 12,
        },
        {
            "kind": "unknown-reference",
            "message": "no team `sale`",
            "file": "broken.crm",
            "line": 4,
            "column": 17,
        },
    ]
    assert entry["load_errors"][1]["hint"] == "did you mean `sales`?"
    assert report["summary"]["load_errors"] == 2


def test_check_stdin_with_a_filename() -> None:
    result = run("check", "-", "--stdin-filename", "maps/piped.crm", stdin=BROKEN)
    assert result.exit_code == 2
    assert result.stdout == BROKEN_TEXT.replace("broken.crm", "maps/piped.crm")


def test_check_stdin_without_a_filename() -> None:
    result = run("check", "-", stdin="team a\nteam a\n")
    assert result.exit_code == 2
    assert "  --> <stdin>:2:6\n" in result.stdout


def test_check_stdin_json() -> None:
    result = run(
        "check", "-", "--format", "json", "--stdin-filename", "x.crm", stdin="team a\nteam a\n"
    )
    (err,) = json.loads(result.stdout)["maps"][0]["load_errors"]
    assert (err["kind"], err["file"], err["line"], err["column"]) == ("duplicate-id", "x.crm", 2, 6)


def test_check_a_folder_checks_fragments_once() -> None:
    result = run("check", "examples/shop", "--format", "json", "--today", TODAY)
    no_traceback(result)
    report = json.loads(result.stdout)
    assert [m["path"] for m in report["maps"]] == ["examples/shop/shop.crm"]
    assert len(report["maps"][0]["files"]) == 8


def test_check_a_fragment_goes_through_its_root() -> None:
    result = run("check", "examples/shop/teams.crm", "--today", TODAY)
    no_traceback(result)
    assert "note: examples/shop/teams.crm is checked through examples/shop/shop.crm" in (
        result.stderr
    )


def test_check_a_missing_file() -> None:
    result = run("check", "nope.crm")
    no_traceback(result)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "error: no such file or folder: nope.crm\n",
    )


def test_check_a_folder_without_maps(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: no .crm files in the folder {tmp_path}\n",
    )


# -- never a traceback --------------------------------------------------------------------

NASTY = {
    "junk.crm": bytes(range(256)) * 20 + b"\x00",
    "nul.crm": b"team a\x00\n",
    "long.crm": b"team " + b"x" * (10 * 1024 * 1024) + b"\n",
    "deep.crm": b"".join(b" " * i + b"journey j%d\n" % i for i in range(1000)),
    "empty.crm": b"",
    "latin1.crm": "team caf\u00e9\n".encode("latin-1"),
    "crlf.crm": b'\xef\xbb\xbfmap "M"\r\nteam a\r\nteam a\r\n',
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_nasty_files_never_give_a_traceback(name: str, tmp_path: Path, monkeypatch) -> None:
    # a fragment named alone is checked through the roots under the current folder:
    # keep that folder small
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.write_bytes(NASTY[name])
    for fmt in ("text", "json"):
        result = run("check", str(path), "--format", fmt, "--today", TODAY)
        no_traceback(result)
        assert result.exit_code in (0, 1, 2)
        if fmt == "json":
            json.loads(result.stdout)
    result = run("export", "json", str(path))
    no_traceback(result)


def test_nasty_stdin_never_gives_a_traceback() -> None:
    result = run("check", "-", stdin=bytes(range(256)))
    no_traceback(result)
    assert result.exit_code == 2


# -- export json and schema --------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_export_json_round_trips(example: str) -> None:
    from pydantic import TypeAdapter

    from crmdsl.model import CrmMap, to_json

    result = run("export", "json", example)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["root"] == example
    again = TypeAdapter(CrmMap).validate_json(result.stdout)
    assert to_json(again) + "\n" == result.stdout


def test_export_json_facts_of_acme() -> None:
    data = json.loads(run("export", "json", "examples/acme.crm").stdout)
    assert data["header"]["title"] == "Acme Corp CRM"
    edges = data["processes"][0]["edges"]
    assert [(e["source"], e["target"], e["label"], e["origin"]) for e in edges][2] == (
        "approved",
        "order",
        "yes",
        "outcome",
    )
    assert data["integrations"][0]["maps"][0]["target"]["target"] == "salesforce.Lead.email"


def test_export_json_to_a_file_and_stdin(tmp_path: Path) -> None:
    out = tmp_path / "acme.json"
    result = run("export", "json", "examples/acme.crm", "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    piped = run(
        "export",
        "json",
        "-",
        "--stdin-filename",
        "examples/acme.crm",
        stdin=(ROOT / "examples/acme.crm").read_text(encoding="utf-8"),
    )
    assert piped.stdout == out.read_text(encoding="utf-8")


def test_export_json_of_a_broken_map_exits_2(tmp_path: Path) -> None:
    (tmp_path / "broken.crm").write_text(BROKEN, encoding="utf-8")
    result = run("export", "json", str(tmp_path / "broken.crm"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "error[bad-value]" in result.stderr


def test_schema_is_json_schema_and_validates_every_example() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for example in EXAMPLES:
        validator.validate(json.loads(run("export", "json", example).stdout))
    broken = json.loads(run("export", "json", EXAMPLES[0]).stdout)
    broken["teams"] = "not a list"
    assert not validator.is_valid(broken)


def test_schema_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert run("schema", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(run("schema").stdout)


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"crmdsl {__version__}\n")


def test_help_shows_an_example() -> None:
    for args in ([], ["check"], ["export", "json"], ["schema"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Example: crmdsl" in result.stdout


# -- colour -----------------------------------------------------------------------------


def _in_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run crmdsl with its output on a pseudo-terminal; return what it wrote."""
    import pty

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmdsl", *args],
        stdout=child,
        stderr=child,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(main)
    return b"".join(chunks)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal_without_no_color(tmp_path: Path) -> None:
    broken = tmp_path / "broken.crm"
    broken.write_text(BROKEN, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env["TERM"] = "xterm-256color"
    coloured = _in_a_terminal(["check", str(broken)], env)
    assert b"\x1b[" in coloured
    plain = _in_a_terminal(["check", str(broken)], {**env, "NO_COLOR": "1"})
    assert b"\x1b[" not in plain and b"error[bad-value]" in plain
    piped = subprocess.run(
        [sys.executable, "-m", "crmdsl", "check", str(broken)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert piped.returncode == 2
    assert b"\x1b[" not in piped.stdout + piped.stderr
    assert b"error[bad-value]" in piped.stdout
