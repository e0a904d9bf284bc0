"""The lint rules: every code has docs and fixtures, fires where its fixtures say, with the
column, severity and message its snapshot holds, and the registry matches the table below
and docs/rules.md.

The fixture format (`# expect:` comments, the `.findings` snapshots and how to write them
with `CRMDSL_UPDATE_FIXTURES=1`) is described in tests/rules/fixtures/README.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from update_flag import update_requested

import crmdsl
from crmdsl.rules import RULES, RuleContext, run_rules
from crmdsl.rules.docs import render_rules_markdown

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 23)
UPDATE_FLAG = "CRMDSL_UPDATE_FIXTURES"
#: `# expect: CODE`, `# expect: CODE "fragment of its message"`, several joined by commas.
EXPECT = re.compile(r"#\s*expect:(.*)$")
_ITEM = r'[A-Z]\d{3}(?:\s+"[^"]*")?'
EXPECT_ITEMS = re.compile(rf"\s*{_ITEM}(?:\s*,\s*{_ITEM})*\s*")
ITEM = re.compile(r'([A-Z]\d{3})(?:\s+"([^"]*)")?')


#: The rule table, written out by hand: (code, name, default severity).
EXPECTED_RULES = [
    ("M001", "map-missing-header", "warning"),
    ("M002", "map-stale", "warning"),
    ("M003", "owner-missing", "warning"),
    ("M004", "unused-declaration", "warning"),
    ("M005", "unused-suppression", "info"),
    ("M006", "to-be-uses-retiring", "warning"),
    ("M007", "as-is-uses-planned", "warning"),
    ("M008", "transition-past-due", "warning"),
    ("J101", "journey-no-persona", "warning"),
    ("J102", "stage-empty", "warning"),
    ("J103", "touchpoint-no-channel", "warning"),
    ("J104", "touchpoint-no-score", "info"),
    ("J105", "low-score-no-idea", "warning"),
    ("J106", "moment-of-truth-no-kpi", "warning"),
    ("J107", "moment-of-truth-no-owner", "warning"),
    ("J108", "captures-without-system", "warning"),
    ("J109", "score-without-evidence", "info"),
    ("J110", "idea-doing-no-owner", "warning"),
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
    ("D307", "users-exceed-licenses", "warning"),
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
    ("G506", "off-track", "warning"),
    ("G507", "measurement-stale", "info"),
    ("G508", "negative-return", "warning"),
    ("G509", "money-metrics-added", "info"),
    ("C601", "marketing-without-consent", "warning"),
]


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One `# expect:` item: the line it stands on, the code, and a message fragment."""

    line: int
    code: str
    fragment: str | None


def parse_expectations(text: str) -> list[Expectation]:
    """Every `# expect:` item of a fixture's text; a malformed one is an error."""
    out: list[Expectation] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = EXPECT.search(line)
        if found is None:
            continue
        if not EXPECT_ITEMS.fullmatch(found.group(1)):
            raise ValueError(f"line {number}: cannot read `# expect:{found.group(1)}`")
        for code, fragment in ITEM.findall(found.group(1)):
            out.append(Expectation(number, code, fragment or None))
    return out


def expected_lines(path: Path, code: str) -> list[int]:
    text = path.read_text(encoding="utf-8")
    return [e.line for e in parse_expectations(text) if e.code == code]


def lint_file(path: Path, codes: list[str] | None = None) -> list[crmdsl.Diagnostic]:
    crm_map = crmdsl.load(path)
    ctx = RuleContext(crm_map, TODAY, standalone=crm_map.header is None)
    return run_rules(ctx, codes)


def findings_of(path: Path, code: str) -> list[crmdsl.Diagnostic]:
    """The findings of rule `code` on a fixture, as `crmdsl check` finds them.

    A rule that reads the suppression pass (M005) runs through the whole linter, with
    the default config; every other rule runs alone.
    """
    if not RULES[code].after_suppressions:
        return lint_file(path, [code])
    analysis = crmdsl.analyze_path(path)
    standalone = analysis.map is not None and analysis.map.header is None
    result = crmdsl.lint(analysis, crmdsl.LintConfig(), today=TODAY, standalone=standalone)
    return [d for d in result.findings if d.code == code]


def _place(span: crmdsl.Span | None, fixture: Path) -> str:
    if span is None:
        return "-"
    file = "" if Path(span.file) == fixture else f"{Path(span.file).name}:"
    return f"{file}{span.line}:{span.col}-{span.end_line}:{span.end_col}"


def render_findings(found: list[crmdsl.Diagnostic], fixture: Path) -> str:
    """The snapshot text of a fixture's findings: place, severity, code, message, hint, notes."""
    lines = [
        f"# findings of {fixture.parent.name}/{fixture.name}; rewritten only by "
        f"{UPDATE_FLAG}=1 (see tests/rules/fixtures/README.md)"
    ]
    for d in found:
        lines.append(f"{_place(d.span, fixture)} {d.severity} {d.code} {d.message}")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
        lines.extend(f"    note: {_place(n.span, fixture)} {n.message}" for n in d.notes)
    # A message naming the fixture's file (M001) names it from the repository's root.
    return "\n".join(lines).replace(f"{ROOT}/", "") + "\n"


def snapshot_path(fixture: Path) -> Path:
    return fixture.with_suffix(".findings")


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


def _listing(found: list[crmdsl.Diagnostic]) -> str:
    return "\n".join(f"{d.span}: {d.message}" for d in found)


def check_expectations(path: Path, code: str, found: list[crmdsl.Diagnostic]) -> None:
    """Codes, severities, lines and message fragments against the `# expect:` comments."""
    assert all(d.code == code and d.kind == RULES[code].name for d in found)
    assert all(d.severity == RULES[code].severity for d in found)
    expected = [e for e in parse_expectations(path.read_text(encoding="utf-8")) if e.code == code]
    got = [d.span.line for d in found if d.span is not None and Path(d.span.file) == path]
    assert got == [e.line for e in expected], _listing(found)
    assert len(got) == len(found), _listing(found)
    for e in expected:
        if e.fragment is not None:
            messages = [d.message for d in found if d.span is not None and d.span.line == e.line]
            assert any(e.fragment in m for m in messages), (
                f"line {e.line}: no {code} message contains {e.fragment!r}: {messages}"
            )


def check_snapshot(path: Path, found: list[crmdsl.Diagnostic], *, update: bool = False) -> None:
    """Columns, ends, severities, messages, hints and notes against the `.findings` file."""
    text = render_findings(found, path)
    snapshot = snapshot_path(path)
    if update:
        snapshot.write_text(text, encoding="utf-8", newline="\n")
    assert snapshot.is_file(), (
        f"no snapshot {snapshot.relative_to(ROOT)}: run `{UPDATE_FLAG}=1 .venv/bin/pytest "
        f"tests/rules -k {path.parent.name}`, then read the file it writes"
    )
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "path"), fixture_cases(), ids=[f"{c}/{p.name}" for c, p in fixture_cases()]
)
def test_fixture(code: str, path: Path) -> None:
    """Catches a rule that fires on the wrong line or column, at the wrong severity, or
    with a wrong message: G502 naming only the first missing part of a metric, I406
    checking one direction of a two-way line (I406/fires_reverse.crm), M005 (through the
    linter's suppression pass, no longer skipped)."""
    found = findings_of(path, code)
    if path.name.startswith("quiet"):
        assert not found, _listing(found)
        assert not snapshot_path(path).exists(), "a quiet fixture has no findings to snapshot"
        return
    check_expectations(path, code, found)
    check_snapshot(path, found, update=update_requested(UPDATE_FLAG))


def test_every_snapshot_belongs_to_a_fixture() -> None:
    orphans = [p for p in FIXTURES.glob("*/*.findings") if not p.with_suffix(".crm").is_file()]
    assert not orphans


def test_expectations_are_read_with_fragments() -> None:
    text = 'a  # expect: G502 "no `baseline`, `target`", I406\nb\nc  # expect: M005\n'
    assert parse_expectations(text) == [
        Expectation(1, "G502", "no `baseline`, `target`"),
        Expectation(1, "I406", None),
        Expectation(3, "M005", None),
    ]


@pytest.mark.parametrize("comment", ["# expect: G52", '# expect: G502 "open', "# expect: G502 x"])
def test_a_malformed_expectation_is_an_error(comment: str) -> None:
    """A typo in an `# expect:` comment must not make a fixture expect nothing."""
    with pytest.raises(ValueError, match="cannot read"):
        parse_expectations(f"goal g  {comment}\n")


def test_a_wrong_message_or_column_fails_the_fixture() -> None:
    """The harness fails in both directions on the message and column, not only the line."""
    path = FIXTURES / "G502" / "fires.crm"
    found = findings_of(path, "G502")
    check_snapshot(path, found)
    first = found[0]
    assert first.span is not None
    shifted = dataclasses.replace(first.span, col=first.span.col + 1)
    for wrong in (
        dataclasses.replace(first, message=first.message + "!"),
        dataclasses.replace(first, span=shifted),
        dataclasses.replace(first, severity="info"),
    ):
        with pytest.raises(AssertionError):
            check_snapshot(path, [wrong, *found[1:]])


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
