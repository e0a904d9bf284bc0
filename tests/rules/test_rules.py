"""The lint rules: every code has docs and fixtures, fires where its fixtures say, and the
registry matches the table below and docs/rules.md."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import crmdsl
from crmdsl.rules import RULES, RuleContext, run_rules
from crmdsl.rules.docs import render_rules_markdown

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 23)
EXPECT = re.compile(r"#\s*expect:\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*)\s*$")

#: The rule table, written out by hand: (code, name, default severity).
EXPECTED_RULES = [
    ("M001", "map-missing-header", "warning"),
    ("M002", "map-stale", "warning"),
    ("M003", "owner-missing", "warning"),
    ("M004", "unused-declaration", "warning"),
    ("M005", "unused-suppression", "info"),
    ("J101", "journey-no-persona", "warning"),
    ("J102", "stage-empty", "warning"),
    ("J103", "touchpoint-no-channel", "warning"),
    ("J104", "touchpoint-no-score", "info"),
    ("J105", "low-score-no-idea", "warning"),
    ("J106", "moment-of-truth-no-kpi", "warning"),
    ("J107", "moment-of-truth-no-owner", "warning"),
    ("J108", "captures-without-system", "warning"),
    ("P201", "process-no-end", "warning"),
    ("P202", "unreachable-step", "warning"),
    ("P203", "dead-end-step", "warning"),
    ("P204", "decision-single-outcome", "warning"),
    ("P205", "step-no-owner", "warning"),
    ("P206", "handoff-heavy", "info"),
    ("P207", "customer-wait-no-sla", "warning"),
    ("P208", "sla-exceeded-by-design", "warning"),
    ("P209", "process-unlinked", "info"),
    ("D301", "entity-no-key", "warning"),
    ("D302", "pii-not-flagged", "warning"),
    ("D303", "required-target-unfed", "warning"),
    ("D304", "captured-data-stranded", "warning"),
    ("D305", "multiple-systems-of-record", "error"),
    ("D306", "pii-no-retention", "info"),
    ("I401", "integration-no-frequency", "warning"),
    ("I402", "integration-no-method", "info"),
    ("I403", "two-way-no-master", "warning"),
    ("I404", "integration-no-match-key", "warning"),
    ("I405", "match-key-not-unique", "warning"),
    ("I406", "type-mismatch", "error"),
    ("I407", "enum-value-unmapped", "warning"),
    ("I408", "integration-empty", "info"),
    ("I409", "field-fed-twice", "warning"),
    ("G501", "goal-no-metric", "warning"),
    ("G502", "goal-not-smart", "warning"),
    ("G503", "goal-past-due", "info"),
    ("G504", "goal-no-support", "warning"),
    ("G505", "goal-no-cost", "info"),
    ("C601", "marketing-without-consent", "warning"),
]

#: M005 is emitted by the suppression pass (crmdsl.linter), which tests it end to end.
EMITTED_ELSEWHERE = {"M005"}


def lint_file(path: Path, codes: list[str] | None = None) -> list[crmdsl.Diagnostic]:
    crm_map = crmdsl.load(path)
    ctx = RuleContext(crm_map, TODAY, standalone=crm_map.header is None)
    return run_rules(ctx, codes)


def expected_lines(path: Path, code: str) -> list[int]:
    lines = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = EXPECT.search(text)
        if found and code in re.split(r"\s*,\s*", found.group(1)):
            lines.append(number)
    return lines


def fixture_cases() -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir()
        for path in sorted(folder.glob("*.crm"))
    ]


def test_registry_matches_rules_md() -> None:
    assert [(r.code, r.name, r.severity) for r in RULES.values()] == EXPECTED_RULES
    for code, rule in RULES.items():
        assert rule.group == code[0]
        assert rule.after_suppressions == (code == "M005"), code


def test_the_registry_knows_which_rules_have_a_safe_fix() -> None:
    assert [code for code, rule in RULES.items() if rule.fixable] == ["M005", "D302"]


@pytest.mark.parametrize("code", list(RULES))
def test_rule_has_docs_and_fixtures(code: str) -> None:
    doc = RULES[code].doc
    parts = ["What it does:", "Why it matters:", "Example:", "Fix:"]
    positions = [doc.find(part) for part in parts]
    assert all(p >= 0 for p in positions), f"{code}: the docstring needs {parts}"
    assert positions == sorted(positions), f"{code}: the parts are out of order"
    assert doc.startswith("What it does: ")
    example = doc[positions[2] : positions[3]].strip().removeprefix("Example:").strip()
    fix = doc[positions[3] :].removeprefix("Fix:").strip()
    assert example and fix, f"{code}: the example needs the bad text and the fix"
    assert (FIXTURES / code / "fires.crm").is_file(), f"{code}: no fires.crm"
    assert (FIXTURES / code / "quiet.crm").is_file(), f"{code}: no quiet.crm"
    assert expected_lines(FIXTURES / code / "fires.crm", code), f"{code}: fires.crm expects nothing"


@pytest.mark.parametrize(
    ("code", "path"), fixture_cases(), ids=[f"{c}/{p.name}" for c, p in fixture_cases()]
)
def test_fixture(code: str, path: Path) -> None:
    if code in EMITTED_ELSEWHERE:
        pytest.skip("emitted by the suppression pass; tested end to end in tests/lint")
    found = lint_file(path, [code])
    assert all(d.code == code and d.kind == RULES[code].name for d in found)
    assert all(d.severity == RULES[code].severity for d in found)
    got = [d.span.line for d in found if d.span is not None and Path(d.span.file) == path]
    if path.name.startswith("quiet"):
        assert not found, "\n".join(f"{d.span}: {d.message}" for d in found)
    else:
        assert got == expected_lines(path, code), "\n".join(f"{d.span}: {d.message}" for d in found)
        assert len(got) == len(found)


def test_docs_rules_md_is_current() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render_rules_markdown(), (
        "docs/rules.md is out of date: run `.venv/bin/python scripts/gen_rules_doc.py`"
    )


def test_docs_rules_md_table_matches_registry() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \[`([A-Z]\d{3})`\]\(#[a-z0-9-]+\) \| `([a-z-]+)` \| (\w+) \|", text, re.M
    )
    assert rows == EXPECTED_RULES
