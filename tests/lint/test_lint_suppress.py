"""Suppression comments: end of line, line above, blocks, whole file, and M005 when unused."""

from __future__ import annotations

import datetime as dt
import textwrap

import crmdsl
from crmdsl.linter import LintConfig, lint

TODAY = dt.date(2026, 11, 23)


def findings(text: str, config: LintConfig | None = None) -> list[str]:
    analysis = crmdsl.analyze(textwrap.dedent(text), "m.crm")
    assert analysis.ok, analysis.diagnostics
    result = lint(analysis, config or LintConfig(), TODAY)
    return [f"{f.span.line}:{f.span.col} {f.code} {f.message}" for f in result.findings]


HEAD = 'map "T"\n  reviewed 2026-10-01\nteam sales "Sales"\n'


def test_without_suppression(fake_rules) -> None:
    assert findings(HEAD + 'system crm "CRM"\n') == ["4:1 M003 system `crm` has no owner"]


def test_end_of_line(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"   # crmdsl: ignore[M003] the CRM team is being hired\n'
    assert findings(text) == []


def test_line_above_over_comments_and_blank_lines(fake_rules) -> None:
    text = HEAD + '# crmdsl: ignore[M003]\n# why: see ticket 12\n\nsystem crm "CRM"\n'
    assert findings(text) == []


def test_line_above_covers_only_the_next_statement(fake_rules) -> None:
    text = HEAD + '# crmdsl: ignore[M003]\nsystem crm "CRM"\nsystem erp "ERP"\n'
    assert findings(text) == ["6:1 M003 system `erp` has no owner"]


def test_block_is_covered(fake_rules) -> None:
    text = HEAD + textwrap.dedent(
        """\
        process p "P" owner sales   # crmdsl: ignore[P205]
          step a "A"
          step b "B"
          end done "Done"
        process q "Q" owner sales
          step c "C"
        """
    )
    assert findings(text) == [
        "9:3 P205 step `c` has no owner",
    ]


def test_suppression_on_a_step_inside_a_block(fake_rules) -> None:
    text = HEAD + textwrap.dedent(
        """\
        process p "P" owner sales
          # crmdsl: ignore[P205]
          step a "A"
          step b "B"
        """
    )
    assert findings(text) == ["7:3 P205 step `b` has no owner"]


def test_file_level(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"\nsystem erp "ERP"\n# crmdsl: ignore-file[M003]\n'
    assert findings(text) == []


def test_only_the_named_codes(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"  # crmdsl: ignore[D305]\n'
    assert findings(text) == [
        "4:1 M003 system `crm` has no owner",
        "4:19 M005 unused suppression `ignore[D305]`: no D305 finding on this statement",
    ]


def test_several_codes_one_unused(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"  # crmdsl: ignore[M003, D305]\n'
    assert findings(text) == [
        "4:19 M005 unused suppression `ignore[M003, D305]`: no D305 finding on this statement",
    ]


def test_unused_file_level(fake_rules) -> None:
    text = HEAD + "# crmdsl: ignore-file[P205]\n"
    assert findings(text) == [
        "4:1 M005 unused suppression `ignore-file[P205]`: no P205 finding in this file",
    ]


def test_unknown_code_and_load_error_kind(fake_rules) -> None:
    text = HEAD + "# crmdsl: ignore-file[P2O5, syntax]\n# crmdsl: ignore[]\n"
    assert findings(text) == [
        "4:1 M005 unused suppression `ignore-file[P2O5, syntax]`: `P2O5` is not a rule code"
        " (did you mean `P205`?); `syntax` is a load error, and load errors cannot be suppressed",
        "5:1 M005 `ignore[]` names no rule code, so it silences nothing",
    ]


def test_m005_is_info_and_configurable(fake_rules) -> None:
    analysis = crmdsl.analyze(HEAD + "# crmdsl: ignore-file[P205]\n", "m.crm")
    result = lint(analysis, LintConfig(), TODAY)
    assert [(f.code, f.kind, f.severity) for f in result.findings] == [
        ("M005", "unused-suppression", "info")
    ]
    assert lint(analysis, LintConfig(ignore=("M005",)), TODAY).findings == []
    strict = lint(analysis, LintConfig(preset="strict"), TODAY).findings
    assert [f.severity for f in strict] == ["warning"]


def test_codes_of_rules_that_did_not_run_are_not_unused(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"  # crmdsl: ignore[M003]\n'
    assert findings(text, LintConfig(ignore=("M003",))) == []
    assert findings(text, LintConfig(severity={"M003": "off"})) == []


def test_file_level_m005_silences_unused(fake_rules) -> None:
    text = HEAD + "# crmdsl: ignore-file[M005]\n" + 'system crm "CRM"  # crmdsl: ignore[D305]\n'
    assert findings(text) == ["5:1 M003 system `crm` has no owner"]


def test_suppressed_count(fake_rules) -> None:
    analysis = crmdsl.analyze(HEAD + 'system crm "CRM"  # crmdsl: ignore[M003]\n', "m.crm")
    assert lint(analysis, LintConfig(), TODAY).suppressed == 1


def test_suppression_in_an_included_file(tmp_path, fake_rules) -> None:
    (tmp_path / "root.crm").write_text(HEAD + 'include "part.crm"\n', encoding="utf-8")
    (tmp_path / "part.crm").write_text(
        '# crmdsl: ignore[M003]\nsystem crm "CRM"\nsystem erp "ERP"\n', encoding="utf-8"
    )
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    result = lint(analysis, LintConfig(), TODAY)
    assert [(f.span.file.endswith("part.crm"), f.span.line, f.code) for f in result.findings] == [
        (True, 3, "M003")
    ]


def test_m005_names_its_useless_codes(fake_rules) -> None:
    text = HEAD + 'system crm "CRM"  # crmdsl: ignore[M003, D305, X1, syntax]\n# crmdsl: ignore[]\n'
    analysis = crmdsl.analyze(text, "m.crm")
    found = lint(analysis, LintConfig(), TODAY).findings
    assert [f.extra for f in found] == [
        {"codes": ["D305", "X1", "syntax"], "whole_file": False},
        {"codes": [], "whole_file": False},
    ]
