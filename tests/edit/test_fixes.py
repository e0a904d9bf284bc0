"""Safe fixes (D302, M005) on hand-made findings and through `crmdsl check --fix`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.errors import Diagnostic, Span
from crmdsl.linter.fixes import fix_all, fixes_for

MAP = (
    'map "M"\n'
    'system s "S"\n'
    "entity s.Person\n"
    "  email: email required   # crmdsl: ignore[D301]\n"
    "  mobile: phone\n"
    "  name: string\n"
    "# crmdsl: ignore[J101, D302, X999]\n"
    "team t\n"
)


def _apply(text: str, diag: Diagnostic) -> str | None:
    analysis = crmdsl.analyze(text, "m.crm")
    patch = fixes_for(diag, analysis)
    if patch is None:
        return None
    after = patch.apply({"m.crm": text})
    assert patch.inverse().apply(after) == {"m.crm": text}
    return after["m.crm"]


def _finding(
    code: str, line: int, col: int, message: str = "", unused: tuple[str, ...] = ()
) -> Diagnostic:
    # The suppression pass records the codes that silence nothing in `extra["codes"]`.
    extra: dict[str, object] = {"codes": list(unused)} if unused else {}
    return Diagnostic(
        code, message, Span("m.crm", line, col, line, col + 1), code=code, extra=extra
    )


def test_d302_adds_pii_after_the_flags() -> None:
    got = _apply(MAP, _finding("D302", 4, 3))
    assert got is not None and "  email: email required pii   # crmdsl: ignore[D301]\n" in got
    got = _apply(MAP, _finding("D302", 5, 3))
    assert got is not None and "  mobile: phone pii\n" in got


def test_d302_is_not_offered_where_it_is_not_certain() -> None:
    assert _apply(MAP, _finding("D302", 6, 3)) is None  # a string field
    assert _apply(MAP.replace("mobile: phone", "mobile: phone pii"), _finding("D302", 5, 3)) is None


def test_m005_removes_a_whole_suppression() -> None:
    message = "unused suppression `ignore[D301]`: no D301 finding on this statement"
    got = _apply(MAP, _finding("M005", 4, 27, message, ("D301",)))
    assert got is not None and "  email: email required\n" in got


def test_m005_removes_only_the_unused_codes() -> None:
    message = (
        "unused suppression `ignore[J101, D302, X999]`: no J101 finding on this statement; "
        "`X999` is not a rule code"
    )
    got = _apply(MAP, _finding("M005", 7, 1, message, ("J101", "X999")))
    assert got is not None and "# crmdsl: ignore[D302]\nteam t\n" in got


def test_m005_removes_an_own_line_comment_with_its_line() -> None:
    message = (
        "unused suppression `ignore[J101, D302, X999]`: no J101, D302 finding on this statement"
    )
    message += "; `X999` is not a rule code"
    got = _apply(MAP, _finding("M005", 7, 1, message, ("J101", "D302", "X999")))
    assert got is not None and got.endswith("  name: string\nteam t\n")


def test_other_codes_have_no_fix() -> None:
    assert _apply(MAP, _finding("J101", 8, 1)) is None


def test_fix_all_with_the_real_linter() -> None:
    from crmdsl.linter import lint

    text, rounds = MAP, []
    while True:
        analysis = crmdsl.analyze(text, "m.crm")
        patch, fixed = fix_all(lint(analysis).findings, analysis)
        if not patch:
            break
        rounds.append(sorted(d.code for d in fixed))
        text = patch.apply({"m.crm": text})["m.crm"]
    # the pii flag and the comment removal on line 4 touch the same place: two rounds
    assert rounds == [["D302", "D302", "M005"], ["M005"]]
    assert "  email: email required pii\n" in text


def test_check_fix_rewrites_files_and_reports(tmp_path: Path) -> None:
    f = tmp_path / "m.crm"
    f.write_bytes(MAP.replace("\n", "\r\n").encode())
    result = CliRunner().invoke(app, ["check", str(f), "--fix", "--format", "concise"])
    assert f"fixed 4 findings in {f}: D302 ×2, M005 ×2" in result.output
    text = f.read_bytes().decode()
    assert "mobile: phone pii\r\n" in text
    assert "ignore[J101" not in text and "ignore[D301]" not in text
    assert "D302" not in result.output.split("fixed 4")[0]
