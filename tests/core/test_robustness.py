"""Never a traceback through the API, whatever the input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import crmdsl
from crmdsl.errors import LoadError, render_diagnostic

TEN_MB = 10 * 1024 * 1024


def analyse_both(text: str, tmp_path: Path) -> crmdsl.Analysis:
    """Analyse as text and as a file; both must return, and agree on the errors."""
    analysis = crmdsl.analyze(text, "m.crm")
    path = tmp_path / "m.crm"
    path.write_text(text, encoding="utf-8", newline="")
    from_file = crmdsl.analyze_path(path)
    assert [(d.kind, d.message) for d in from_file.diagnostics] == [
        (d.kind, d.message) for d in analysis.diagnostics
    ]
    for d in analysis.diagnostics:
        render_diagnostic(d, analysis.lines_of())
    return analysis


def test_random_bytes_with_nul(tmp_path: Path) -> None:
    rng = random.Random(1234)
    for n in range(20):
        data = bytes(rng.randrange(256) for _ in range(2000)) + b"\x00"
        path = tmp_path / f"junk{n}.crm"
        path.write_bytes(data)
        analysis = crmdsl.analyze_path(path)
        (d,) = analysis.diagnostics
        assert (d.kind, d.span) == ("io", None)
        assert d.message.startswith(f"{path} is not a text file: ")
        assert d.message.endswith(" of its 2001 bytes are not UTF-8")
        with pytest.raises(LoadError):
            crmdsl.load(path)


def test_decodable_junk_with_control_characters(tmp_path: Path) -> None:
    rng = random.Random(99)
    text = "".join(chr(rng.randrange(0, 0x3000)) for _ in range(5000))
    analysis = analyse_both(text, tmp_path)
    rendered = "\n".join(render_diagnostic(d, analysis.lines_of()) for d in analysis.diagnostics)
    # no raw control characters reach a terminal
    assert not any(ord(ch) < 32 and ch != "\n" for ch in rendered)


def test_nul_in_a_line() -> None:
    (d,) = crmdsl.analyze("team a\x00b\n", "m.crm").diagnostics
    assert (d.kind, d.span.col, d.message) == ("syntax", 7, "unexpected character `U+0000`")


TEN_MB_LINES = {
    "long id": (lambda: "team " + "x" * TEN_MB + "\n", 0),
    "long comment": (lambda: "team a # " + "x" * TEN_MB + "\n", 0),
    "trailing spaces": (lambda: "team a" + " " * TEN_MB + "\n", 0),
    "junk characters": (lambda: "team a " + "@" * TEN_MB + "\n", 1),
    "nul bytes": (lambda: "\x00" * TEN_MB, 1),
}


@pytest.mark.parametrize("name", sorted(TEN_MB_LINES))
def test_a_ten_megabyte_line(name: str) -> None:
    make, errors = TEN_MB_LINES[name]
    analysis = crmdsl.analyze(make(), "m.crm")
    assert len(analysis.diagnostics) == errors
    for d in analysis.diagnostics:
        out = render_diagnostic(d, analysis.lines_of())
        assert len(out) < 1000  # the excerpt is cut around the caret


def test_a_long_unknown_word_gives_a_short_message() -> None:
    (d,) = crmdsl.analyze("x" * 100_000 + "\n", "m.crm").diagnostics
    assert d.message == "unknown statement `" + "x" * 39 + "…`"


def test_a_huge_number_is_a_bad_value() -> None:
    (d,) = crmdsl.analyze("system s users " + "9" * 100_000 + "\n", "m.crm").diagnostics
    assert (d.kind, d.message) == ("bad-value", "`" + "9" * 39 + "…` is too large a number")
    (d,) = crmdsl.analyze("process p\n  step a takes " + "9" * 5000 + "d\n", "m.crm").diagnostics
    assert d.kind == "bad-value"


def test_deep_nesting_of_statements() -> None:
    text = "".join(" " * i + f"journey j{i}\n" for i in range(1000))
    analysis = crmdsl.analyze(text, "m.crm")
    assert [(d.kind, d.span.line, d.message) for d in analysis.diagnostics] == [
        (
            "clause-not-allowed",
            2,
            "a journey is a top-level statement; it cannot stand in a journey",
        )
    ]
    assert [j.id for j in analysis.map.journeys] == ["j0"]


def test_deep_nesting_under_a_bad_line() -> None:
    # the whole block below a bad line is dropped, and nothing in it is reported twice
    text = "team t @\n" + "".join(" " * (i + 1) + f"team u{i} owner nobody\n" for i in range(1000))
    analysis = crmdsl.analyze(text, "m.crm")
    assert [(d.kind, d.span.line) for d in analysis.diagnostics] == [("syntax", 1)]


def test_deep_nesting_of_a_valid_shape() -> None:
    text = "journey j\n  stage s\n" + "".join(
        " " * (4 + i) + f"touchpoint t{i}\n" for i in range(1000)
    )
    analysis = crmdsl.analyze(text, "m.crm")
    assert [d.message for d in analysis.diagnostics] == [
        "`touchpoint t1` is indented 5 spaces; the touchpoints of `s` are at 4"
    ]


def test_many_lines(tmp_path: Path) -> None:
    text = "".join(f"team t{i}\n" for i in range(5_000))
    analysis = analyse_both(text, tmp_path)
    assert analysis.diagnostics == [] and len(analysis.map.teams) == 5_000


@pytest.mark.parametrize("text", ["", "\n", "\r\n", "\ufeff", "   ", "#", "\t", "\x0c"])
def test_nearly_empty(text: str, tmp_path: Path) -> None:
    """Catches a nearly empty file that loads with an error, or as something (it once only
    had to not raise): no load error, nothing declared, and the one finding a user sees
    for a file with no header, M001."""
    analysis = analyse_both(text, tmp_path)
    assert analysis.diagnostics == []
    crm_map = analysis.map
    assert crm_map is not None and crm_map.header is None
    declared = [crm_map.includes, crm_map.teams, crm_map.personas, crm_map.channels]
    declared += [crm_map.systems, crm_map.entities, crm_map.journeys, crm_map.processes]
    declared += [crm_map.integrations, crm_map.goals]
    assert not any(declared)
    found = crmdsl.lint(analysis, standalone=True).findings
    assert [(d.code, d.span.line if d.span else None) for d in found] == [("M001", 1)]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.crm", tmp_path):
        analysis = crmdsl.analyze_path(path)
        (d,) = analysis.diagnostics
        assert d.kind == "io" and d.span is None
        assert render_diagnostic(d, analysis.lines_of()).startswith("error[io]: ")
        with pytest.raises(LoadError):
            crmdsl.load(path)


def test_invalid_utf8_shows_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.crm"
    path.write_bytes(b"team a\nteam b \xff\n")
    analysis = crmdsl.analyze_path(path)
    assert render_diagnostic(analysis.diagnostics[0], analysis.lines_of()).splitlines()[3:5] == [
        "2 | team b \ufffd",
        "  |        ^ save the file as UTF-8",
    ]


def test_invalid_utf8_in_an_included_file(tmp_path: Path) -> None:
    (tmp_path / "root.crm").write_text('map "M"\ninclude "bad.crm"\n', encoding="utf-8")
    (tmp_path / "bad.crm").write_bytes(b"team \xc3\x28\n")
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    (d,) = analysis.diagnostics
    assert (d.kind, d.span.file, d.span.line, d.span.col) == (
        "syntax",
        str(tmp_path / "bad.crm"),
        1,
        6,
    )


def test_a_large_map_parses_the_same_on_one_core_and_on_several(monkeypatch) -> None:
    from crmdsl.language.parse import PARALLEL_MIN_LINES, clear_cache

    acme = (Path(__file__).resolve().parents[2] / "examples" / "acme.crm").read_text("utf-8")
    body = acme.split("\nteam revops", 1)[1]
    units = [
        ("team revops" + body).replace("lead_to_cash", f"l2c{n}").replace("grow", f"grow{n}")
        + (f"team broken{n} @\n" if n % 7 == 0 else "")
        for n in range(PARALLEL_MIN_LINES // 60 + 5)
    ]
    text = "\n".join(units)
    assert text.count("\n") > PARALLEL_MIN_LINES

    def result(jobs: str):
        monkeypatch.setenv("CRMDSL_JOBS", jobs)
        clear_cache()
        analysis = crmdsl.analyze(text, "big.crm")
        return (
            [(d.kind, d.message, d.span) for d in analysis.diagnostics],
            [c.line for c in analysis.map.comments],
            sum(len(p.edges) for p in analysis.map.processes),
        )

    one, two = result("1"), result("2")
    assert one == two
    assert any(kind == "syntax" for kind, _, _ in one[0])


def test_a_ten_megabyte_name_is_cut_and_gets_no_suggestion() -> None:
    word = "x" * TEN_MB
    (d,) = crmdsl.analyze(word + "\n", "m.crm").diagnostics
    assert (d.message, d.hint.startswith("statements: ")) == (
        "unknown statement `" + "x" * 39 + "…`",
        True,
    )
    (d,) = crmdsl.analyze("system s owner " + word + "\n", "m.crm").diagnostics
    assert (d.message, d.hint) == ("no team `" + "x" * 39 + "…`", "")
