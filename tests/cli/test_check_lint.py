"""`crmdsl check` on the example maps with the real rules: snapshots of text and concise output.

Update the golden files after an intended change with:

    CRMDSL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/cli/test_check_lint.py tests/lint/test_report.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from update_flag import update_requested

from crmdsl.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "lint" / "golden"
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if update_requested("CRMDSL_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with CRMDSL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_examples_text_snapshot() -> None:
    code, out = run("check", "examples", "--today", TODAY)
    assert code == 1
    matches_golden("check-examples.txt", out)


def test_examples_concise_snapshot() -> None:
    code, out = run("check", "examples", "--today", TODAY, "--format", "concise", "--show-info")
    assert code == 1
    matches_golden("check-examples-concise.txt", out)


def test_examples_json_agrees_with_concise() -> None:
    code, out = run("check", "examples", "--today", TODAY, "--format", "json")
    data = json.loads(out)
    lines = [
        f"{f['file']}:{f['line']}:{f['column']}: {f['severity']}[{f['code']}] "
        + ("[*] " if f["fixable"] else "")
        + f["message"]
        for m in data["maps"]
        for f in m["findings"]
    ]
    concise = run("check", "examples", "--today", TODAY, "--format", "concise", "--show-info")[1]
    assert lines == concise.splitlines()


def test_examples_sarif_validates() -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    code, out = run("check", "examples", "--today", TODAY, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    from crmdsl.rules import RULES

    ids = [r["id"] for r in driver["rules"]]
    assert ids[: len(RULES)] == list(RULES)
    for rule in driver["rules"][: len(RULES)]:
        assert rule["shortDescription"]["text"]
        assert "Why it matters:" in rule["help"]["text"], rule["id"]


def test_rules_table_lists_every_rule() -> None:
    from crmdsl.rules import RULES

    code, out = run("rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "on"]
    assert [line.split()[0] for line in lines[1:]] == list(RULES)
    assert lines[list(RULES).index("P207") + 1].split() == [
        "P207",
        "customer-wait-no-sla",
        "warning",
        "on",
    ]


def test_rules_table_follows_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crmdsl.toml").write_text('ignore = ["J"]\n[severity]\nP207 = "error"\n')
    out = run("rules")[1]
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert rows["J101"][-1] == "off" and rows["P207"][1:] == ["error", "on"]
    data = json.loads(run("rules", "--format", "json")[1])
    assert data["config"] == "crmdsl.toml"


def test_explain() -> None:
    code, out = run("explain", "P207")
    assert code == 0
    assert out.startswith("P207 customer-wait-no-sla (warning)\n\nWhat it does: ")
    assert "\nWhy it matters: " in out and "\nExample:\n" in out
    assert run("explain", "customer-wait-no-sla")[1] == out
    assert run("explain", "p207")[1] == out


def test_explain_unknown_code() -> None:
    code, out = run("explain", "P270")
    assert code == 2
    assert out.startswith("error: no rule `P270`; did you mean")
    assert "`P207`" in out


SUPPRESSED = """\
map "S"
  owner sales
  reviewed 2026-10-01
team sales "Sales"
system crm "CRM" kind crm   # crmdsl: ignore[M003] the owner is being hired
system erp "ERP" kind erp owner sales   # crmdsl: ignore[M003]
# crmdsl: ignore-file[X123]
"""


def test_suppression_with_the_real_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.crm").write_text(SUPPRESSED, encoding="utf-8")
    code, out = run(
        "check",
        "s.crm",
        "--today",
        TODAY,
        "--format",
        "concise",
        "--show-info",
        "--select",
        "M003,M005",
    )
    assert code == 0
    assert out == (
        "s.crm:6:41: info[M005] [*] unused suppression `ignore[M003]`: no M003 finding on this statement\n"
        "s.crm:7:1: info[M005] [*] unused suppression `ignore-file[X123]`: `X123` is not a rule code\n"
    )
    data = json.loads(run("check", "s.crm", "--today", TODAY, "--format", "json")[1])
    assert data["maps"][0]["suppressed"] == 1


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", "-", "--today", TODAY, "--format", "concise"], input=text
    )
    assert result.exit_code == 1
    assert result.output.startswith("<stdin>:23:1: warning[D301] ")
    named = CliRunner().invoke(
        app,
        [
            "check",
            "-",
            "--stdin-filename",
            "maps/acme.crm",
            "--today",
            TODAY,
            "--format",
            "concise",
        ],
        input=text,
    )
    assert named.output.startswith("maps/acme.crm:23:1: warning[D301] ")
