"""Output formats of `crmdsl check`: concise, json, sarif (schema-valid), github, text; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from crmdsl.cli.app import app

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"

GOOD = """\
map "Good"
  reviewed 2026-10-01
team sales "Sales"
system crm "CRM" record-of customer
system erp "ERP" owner sales record-of customer
journey j "Jörney, with: commas" owner sales
  stage s "S"
    touchpoint t "T" channel web
process p "P" owner sales
  step a "A"
  end done "Done"
"""

BAD = """\
map "Bad"
team sales "Sales"
system crm "CRM" owner salse
"""


@pytest.fixture
def maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_rules) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "good.crm").write_text(GOOD, encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args, "--today", "2026-11-23"])
    return result.exit_code, result.output


def test_concise(maps: Path) -> None:
    code, out = check("maps", "--format", "concise")
    assert code == 1
    assert out == (
        "maps/good.crm:4:1: warning[M003] system `crm` has no owner\n"
        "maps/good.crm:5:1: error[D305] `erp` and `crm` both hold customer\n"
        "maps/good.crm:10:3: warning[P205] step `a` has no owner\n"
    )
    code, out = check("maps", "--format", "concise", "--show-info")
    assert "maps/good.crm:8:5: info[J104] touchpoint `t` has no score\n" in out


def test_text(maps: Path) -> None:
    code, out = check("maps/good.crm")
    assert code == 1
    assert out.startswith(
        "warning[M003]: system `crm` has no owner\n"
        "  --> maps/good.crm:4:1\n"
        "  |\n"
        '4 | system crm "CRM" record-of customer\n'
        "  | ^ add `owner TEAM`\n"
        "  |\n"
        "error[D305]: `erp` and `crm` both hold customer\n"
    )
    assert "  = note: it is in process `p` (maps/good.crm:9:1)\n" in out
    assert out.endswith(
        "1 error and 2 warnings in 1 file (1 info finding: --show-info)."
        " `crmdsl explain M003` tells more.\n"
    )
    code, out = check("maps/good.crm", "--show-info")
    assert "info[J104]: touchpoint `t` has no score" in out
    assert out.endswith(
        "1 error, 2 warnings and 1 info finding in 1 file. `crmdsl explain M003` tells more.\n"
    )


def test_text_clean(maps: Path) -> None:
    code, out = check("maps", "--select", "J")
    assert (code, out) == (
        0,
        "1 map (1 file) checked: no errors or warnings (1 info finding: --show-info).\n",
    )
    code, out = check("maps", "--select", "M001")
    assert (code, out) == (0, "1 map (1 file) checked: no findings.\n")


def test_exit_codes(maps: Path) -> None:
    assert check("maps", "-q")[0] == 1
    assert check("maps", "-q", "--fail-on", "error")[0] == 1
    assert check("maps", "-q", "--fail-on", "error", "--ignore", "D")[0] == 0
    assert check("maps", "-q", "--select", "J")[0] == 0
    assert check("maps", "-q", "--select", "J", "--fail-on", "info")[0] == 1
    (maps / "maps" / "bad.crm").write_text(BAD, encoding="utf-8")
    assert check("maps", "-q")[0] == 2  # the highest wins across maps
    assert check("maps", "-q", "--select", "J")[0] == 2
    assert check("nowhere", "-q")[0] == 2


def test_load_errors_and_findings_together(maps: Path) -> None:
    (maps / "maps" / "bad.crm").write_text(BAD, encoding="utf-8")
    code, out = check("maps", "--format", "concise")
    assert code == 2
    assert out.splitlines()[0].startswith(
        "maps/bad.crm:3:24: error[unknown-reference] no team `salse`"
    )
    code, out = check("maps")
    assert "1 load error in 1 file (1 map not linted); 1 error and 2 warnings in 1 file" in out


def test_json(maps: Path) -> None:
    (maps / "maps" / "bad.crm").write_text(BAD, encoding="utf-8")
    code, out = check("maps", "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert list(data) == ["version", "today", "maps", "summary"]
    assert data["version"] == 1 and data["today"] == "2026-11-23"
    bad, good = data["maps"]
    assert list(good) == [
        "path",
        "files",
        "loaded",
        "notes",
        "load_errors",
        "config",
        "fail_on",
        "findings",
        "suppressed",
        "counts",
    ]
    assert (
        bad["loaded"] is False
        and bad["findings"] == []
        and bad["load_errors"][0]["kind"] == ("unknown-reference")
    )
    first = good["findings"][0]
    assert list(first) == [
        "code",
        "name",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "hint",
        "notes",
        "fingerprint",
        "fixable",
    ]
    assert (first["code"], first["name"], first["severity"], first["line"]) == (
        "M003",
        "owner-missing",
        "warning",
        4,
    )
    assert [f["code"] for f in good["findings"]] == ["M003", "D305", "J104", "P205"]  # info too
    assert good["counts"] == {"error": 1, "warning": 2, "info": 1}
    assert data["summary"] == {
        "maps": 2,
        "load_errors": 1,
        "findings": {"error": 1, "warning": 2, "info": 1},
        "exit_code": 2,
    }


def test_sarif_is_valid_and_complete(maps: Path) -> None:
    (maps / "maps" / "bad.crm").write_text(BAD, encoding="utf-8")
    code, out = check("maps", "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "crmdsl" and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert {"M001", "M005", "P205", "D305", "syntax", "unknown-reference"} <= set(rules)
    p205 = rules["P205"]
    assert p205["name"] == "step-no-owner"
    assert p205["shortDescription"]["text"] == "Flags step no owner."
    assert "Why it matters: because step-no-owner matters." in p205["help"]["text"]
    assert rules["J104"]["defaultConfiguration"]["level"] == "note"
    assert rules["D305"]["defaultConfiguration"]["level"] == "error"
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("unknown-reference", "error"),
        ("M003", "warning"),
        ("D305", "error"),
        ("J104", "note"),
        ("P205", "warning"),
    ]
    loc = results[1]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "maps/good.crm", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 2}
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_fingerprints_survive_moved_lines(maps: Path) -> None:
    def prints() -> dict[str, str]:
        log = json.loads(check("maps", "--format", "sarif")[1])
        return {
            r["message"]["text"]: r["partialFingerprints"]["crmdslFinding/v1"]
            for r in log["runs"][0]["results"]
        }

    before = prints()
    good = maps / "maps" / "good.crm"
    good.write_text(GOOD.replace('team sales "Sales"\n', 'team sales "Sales"\n\n# moved\n\n'))
    after = prints()
    assert before == after
    assert len(set(before.values())) == len(before)


def test_sarif_repeated_identical_lines_get_distinct_fingerprints(maps: Path) -> None:
    text = 'map "T"\n  reviewed 2026-10-01\nsystem crm "CRM"\n# crmdsl: ignore[X1]\n# crmdsl: ignore[X1]\n'
    (maps / "maps" / "good.crm").write_text(text, encoding="utf-8")
    log = json.loads(check("maps", "--format", "sarif", "--select", "M005")[1])
    prints = [r["partialFingerprints"]["crmdslFinding/v1"] for r in log["runs"][0]["results"]]
    assert len(prints) == 2 and prints[0] != prints[1]


def test_github(maps: Path) -> None:
    (maps / "maps" / "bad.crm").write_text(BAD, encoding="utf-8")
    code, out = check("maps", "--format", "github", "--show-info")
    assert code == 2
    lines = out.splitlines()
    assert lines[0].startswith(
        "::error file=maps/bad.crm,line=3,col=24,endLine=3,endColumn=29,title=unknown-reference::"
        "no team `salse`"
    )
    assert lines[1] == (
        "::warning file=maps/good.crm,line=4,col=1,endLine=4,endColumn=2,"
        "title=M003 owner-missing::system `crm` has no owner%0Aadd `owner TEAM`"
    )
    assert lines[3].startswith("::notice file=maps/good.crm,line=8,col=5,")


def test_github_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_rules) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b:c.crm").write_text('map "T"\n  reviewed 2026-10-01\nsystem crm "CRM"\n')
    out = check("a,b:c.crm", "--format", "github")[1]
    assert out.startswith("::warning file=a%2Cb%3Ac.crm,line=3,")


def test_output_is_deterministic(maps: Path) -> None:
    for fmt in ("text", "concise", "json", "sarif", "github"):
        assert check("maps", "--format", fmt) == check("maps", "--format", fmt)


def test_today_makes_findings_reproducible(maps: Path) -> None:
    def run(today: str) -> str:
        return (
            CliRunner()
            .invoke(
                app, ["check", "maps", "--format", "concise", "--select", "M002", "--today", today]
            )
            .output
        )

    assert run("2026-11-23") == ""
    assert (
        run("2028-01-01")
        == "maps/good.crm:1:1: warning[M002] the map was last reviewed 15 months ago\n"
    )
