"""Config: the nearest file wins, unknown keys and bad values exit 2 naming them, flags override."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmdsl.cli.app import app
from crmdsl.linter import LintConfig, lint
from crmdsl.linter.config import ConfigError, find_config, load_config

TODAY = "2026-11-23"

MAP = textwrap.dedent(
    """\
    map "Test"
      reviewed 2026-10-01
    team sales "Sales"
    system crm "CRM" record-of customer
    system erp "ERP" owner sales record-of customer
    journey j "J" owner sales
      stage s "S"
        touchpoint t "T" channel web
    process p "P" owner sales
      step a "A"
      end done "Done"
    """
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--today", TODAY])
    return result.exit_code, result.output


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_rules) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "maps" / "team" / "a.crm", MAP)
    return tmp_path


def codes(output: str) -> list[str]:
    # `path:line:col: severity[CODE] message`
    return [line.split("[", 1)[1].split("]", 1)[0] for line in output.splitlines() if line]


def test_defaults_without_config(tree: Path) -> None:
    code, out = run("check", "maps", "--format", "concise")
    assert code == 1
    assert codes(out) == ["M003", "D305", "P205"]


def test_nearest_config_wins(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.crmdsl]\nignore = ["M"]\n')
    write(tree / "maps" / "crmdsl.toml", 'ignore = ["P"]\n')
    code, out = run("check", "maps/team/a.crm", "--format", "concise")
    assert codes(out) == ["M003", "D305"]
    assert find_config(tree / "maps" / "team") == (tree / "maps" / "crmdsl.toml").resolve()


def test_pyproject_without_table_is_passed_over(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.crmdsl]\nignore = ["M003"]\n')
    write(tree / "maps" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tree / "maps" / "team") == (tree / "pyproject.toml").resolve()
    code, out = run("check", "maps", "--format", "concise")
    assert codes(out) == ["D305", "P205"]


def test_crmdsl_toml_before_pyproject_in_one_folder(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.crmdsl]\nignore = ["M003"]\n')
    write(tree / "crmdsl.toml", 'ignore = ["D"]\n')
    assert find_config(tree) == (tree / "crmdsl.toml").resolve()


def test_unknown_key_exits_2_naming_key_and_file(tree: Path) -> None:
    write(tree / "crmdsl.toml", "max-review-ages = 6\n")
    code, out = run("check", "maps")
    assert code == 2
    assert "crmdsl.toml: unknown key `max-review-ages` in crmdsl.toml" in out
    assert "did you mean `max-review-age`" in out
    assert "Traceback" not in out


def test_unknown_key_in_pyproject(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.crmdsl]\nfail_on = "error"\n')
    code, out = run("check", "maps")
    assert code == 2
    assert "pyproject.toml: unknown key `fail_on` in [tool.crmdsl]; did you mean `fail-on`?" in out


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            'preset = "lenient"',
            "bad value for `preset` in crmdsl.toml: expected 'recommended' or 'strict'",
        ),
        ('max-review-age = "12"', "bad value for `max-review-age`"),
        ("max-review-age = 0", "bad value for `max-review-age`"),
        ('fail-on = "never"', "bad value for `fail-on`"),
        ('[severity]\nP205 = "loud"', "bad value for `severity.P205`"),
        ('[severity]\nP2O5 = "error"', "`P2O5` is not a rule code; did you mean `P205`?"),
        ('select = ["Q"]', "crmdsl.toml select: `Q` is not a rule code or a group letter"),
        ("select = 'P'", "bad value for `select`"),
        ("ignore = [", "crmdsl.toml is not valid TOML"),
    ],
)
def test_bad_values_exit_2(tree: Path, toml: str, expected: str) -> None:
    write(tree / "crmdsl.toml", toml + "\n")
    code, out = run("check", "maps")
    assert code == 2
    assert expected in out
    assert "Traceback" not in out


def test_config_severity_and_off(tree: Path) -> None:
    write(tree / "crmdsl.toml", '[severity]\nP205 = "error"\nD305 = "off"\nJ104 = "warning"\n')
    code, out = run("check", "maps", "--format", "concise")
    assert codes(out) == ["M003", "J104", "P205"]
    code, out = run("check", "maps", "--format", "json")
    assert '"severity": "error"' in out


def test_cli_flags_override_config(tree: Path) -> None:
    write(tree / "crmdsl.toml", 'ignore = ["P205"]\nfail-on = "error"\n')
    code, out = run("check", "maps", "--format", "concise")
    assert codes(out) == ["M003", "D305"]
    assert code == 1  # D305 is an error
    code, out = run("check", "maps", "--format", "concise", "--ignore", "D305,M003")
    assert codes(out) == ["P205"]
    assert code == 0  # fail-on error from the file; P205 is a warning
    code, out = run("check", "maps", "--format", "concise", "--ignore", "D", "--fail-on", "warning")
    assert code == 1
    code, out = run(
        "check", "maps", "-q", "--severity", "P205=off", "--severity", "M003=info", "--ignore", "D"
    )
    assert (code, out) == (0, "")


def test_config_flag_names_a_file(tree: Path) -> None:
    write(tree / "other.toml", 'select = ["D"]\n')
    code, out = run("check", "maps", "--format", "concise", "--config", "other.toml")
    assert codes(out) == ["D305"]
    code, out = run("check", "maps", "--config", "missing.toml")
    assert code == 2 and "--config: no such file: missing.toml" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--severity", "P205"], "--severity expects CODE=LEVEL"),
        (["--severity", "P205=loud"], "`loud` is not a level"),
        (["--severity", "P=error"], "`P` is not a rule code"),
        (["--select", "X999"], "--select: `X999` is not a rule code or a group letter"),
        (["--today", "23/11/2026"], "--today expects a date such as 2026-11-23"),
    ],
)
def test_bad_flags_exit_2(tree: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["check", "maps", *args])
    assert result.exit_code == 2
    assert expected in result.output


def test_select_and_ignore_by_code_and_group(tree: Path) -> None:
    assert codes(run("check", "maps", "--format", "concise", "--select", "M,P")[1]) == [
        "M003",
        "P205",
    ]
    assert codes(run("check", "maps", "--format", "concise", "--select", "P205")[1]) == ["P205"]
    # the more specific entry wins: the group is ignored, the one code selected
    out = run("check", "maps", "--format", "concise", "--select", "M003", "--ignore", "M")[1]
    assert codes(out) == ["M003"]
    out = run("check", "maps", "--format", "concise", "--ignore", "M003", "--select", "M")[1]
    assert codes(out) == []


def test_strict_preset_raises_info(tree: Path) -> None:
    out = run("check", "maps", "--format", "concise")[1]
    assert "J104" not in out
    out = run("check", "maps", "--format", "concise", "--preset", "strict")[1]
    assert codes(out) == ["M003", "D305", "J104", "P205"]
    write(tree / "crmdsl.toml", 'preset = "strict"\n[severity]\nJ104 = "info"\n')
    out = run("check", "maps", "--format", "concise")[1]
    assert "J104" not in out  # a per-code setting beats the preset


def test_max_review_age(tree: Path, fake_rules) -> None:
    import crmdsl

    analysis = crmdsl.analyze(MAP, "a.crm")
    today = dt.date(2027, 11, 23)
    found = [f.code for f in lint(analysis, LintConfig(select=("M002",)), today).findings]
    assert found == ["M002"]
    found = [
        f.code
        for f in lint(analysis, LintConfig(select=("M002",), max_review_age=24), today).findings
    ]
    assert found == []
    write(tree / "crmdsl.toml", "max-review-age = 6\n")
    out = (
        CliRunner()
        .invoke(app, ["check", "maps", "--format", "concise", "--today", "2027-11-23"])
        .output
    )
    assert "M002" in out
    out = (
        CliRunner()
        .invoke(
            app,
            [
                "check",
                "maps",
                "--format",
                "concise",
                "--today",
                "2027-11-23",
                "--max-review-age",
                "30",
            ],
        )
        .output
    )
    assert "M002" not in out


def test_load_config_returns_settings(tmp_path: Path, fake_rules) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        """\
        [tool.crmdsl]
        select = ["M", "P"]
        ignore = ["M002"]
        preset = "strict"
        max-review-age = 6
        max-handoffs = 3
        fail-on = "error"
        [tool.crmdsl.severity]
        P205 = "error"
        """,
    )
    config = load_config(path, list(fake_rules.RULES), shown="pyproject.toml")
    assert config == LintConfig(
        severity={"P205": "error"},
        select=("M", "P"),
        ignore=("M002",),
        preset="strict",
        max_review_age=6,
        max_handoffs=3,
        fail_on="error",
        source="pyproject.toml",
    )
    with pytest.raises(ConfigError, match="unknown key `colour`"):
        write(tmp_path / "crmdsl.toml", 'colour = "red"\n')
        load_config(tmp_path / "crmdsl.toml", list(fake_rules.RULES))


def test_no_pydantic_without_config(tmp_path: Path) -> None:
    """A check with no config file does not pay for importing pydantic (the real rules)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from crmdsl.cli.check import run_check\n"
        "run_check(['examples'], 'json', None, quiet=False)\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stderr.strip() == "False"
    assert '"findings"' in out.stdout


def test_each_map_gets_its_nearest_config(tree: Path) -> None:
    write(tree / "maps" / "other" / "b.crm", MAP)
    write(tree / "maps" / "other" / "crmdsl.toml", 'select = ["P"]\nfail-on = "error"\n')
    code, out = run("check", "maps", "--format", "concise")
    assert out.splitlines() == [
        "maps/other/b.crm:10:3: warning[P205] step `a` has no owner",
        "maps/team/a.crm:4:1: warning[M003] system `crm` has no owner",
        "maps/team/a.crm:5:1: error[D305] `erp` and `crm` both hold customer",
        "maps/team/a.crm:10:3: warning[P205] step `a` has no owner",
    ]
    assert code == 1  # a.crm fails on warnings (the defaults); b.crm alone would pass
    import json

    data = json.loads(run("check", "maps", "--format", "json")[1])
    assert [(m["path"], m["config"], m["fail_on"]) for m in data["maps"]] == [
        ("maps/other/b.crm", "maps/other/crmdsl.toml", "error"),
        ("maps/team/a.crm", None, "warning"),
    ]
    assert run("check", "maps/other", "-q")[0] == 0


def test_max_measurement_age_flag_beats_the_default() -> None:
    args = ["check", "examples/shop/shop.crm", "--select", "G507", "--show-info"]
    args += ["--format", "concise", "--today", "2027-12-01"]
    stale = CliRunner().invoke(app, args).output
    assert "more than 6 months ago" in stale
    kept = CliRunner().invoke(app, [*args, "--max-measurement-age", "24"])
    assert "G507" not in kept.output and kept.exit_code == 0, kept.output
    refused = CliRunner().invoke(app, [*args, "--max-measurement-age", "0"])
    assert refused.exit_code == 2
