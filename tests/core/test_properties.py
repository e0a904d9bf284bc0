"""Property tests: whatever the text, loading returns or raises `LoadError`, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

import crmdsl
from crmdsl.errors import LOAD_ERROR_KINDS, LoadError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MAPS = [
    (EXAMPLES / "acme.crm").read_text(encoding="utf-8"),
    (EXAMPLES / "b2b_support.crm").read_text(encoding="utf-8"),
    *(p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "shop").glob("*.crm"))),
]

# Text that looks like the language: its words, punctuation and indentation.
PIECES = [
    "map", "team", "system", "entity", "journey", "stage", "touchpoint", "process", "step",
    "decision", "end", "flow", "integration", "goal", "metric", "cost", "kpi", "include",
    "owner", "kind", "score", "sla", "takes", "->", "<->", ",", ":", "(", ")", '"', "\\",
    "#", "\n", "  ", "\t", " ", "a", "b.c", "x.y.z", "3", "-5%", "+10%", "2d", "6mo",
    "2026-02-30", "1_000", "USD", "enum(a, b)", "ref(X)", '"text"', "\ufeff", "\r\n", "\x00",
]  # fmt: skip

language_like = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def check_analysis(text: str, path: str | None = "m.crm") -> None:
    analysis = crmdsl.analyze(text, path)
    shown = path if path is not None else "<string>"
    for d in analysis.diagnostics:
        assert d.kind in LOAD_ERROR_KINDS
        assert d.message
        assert d.span is not None, d
        lines = analysis.sources[d.span.file].lines if d.span.file in analysis.sources else None
        assert lines is not None, (d, sorted(analysis.sources))
        assert 1 <= d.span.line <= len(lines), d
        assert d.span.col >= 1, d
        crmdsl.render_diagnostic(d, analysis.lines_of())
    assert shown in analysis.sources
    from .test_acme import _refs_and_spans

    refs: list[object] = []
    spans: list = []
    _refs_and_spans(analysis.map, refs, spans)
    for span in spans:
        if span.file == "<built-in>":
            continue
        lines = analysis.sources[span.file].lines
        assert 1 <= span.line <= span.end_line <= len(lines), span
        assert 1 <= span.col <= len(lines[span.line - 1]) + 1, span
    try:
        crm_map = crmdsl.loads(text, path)
    except LoadError as err:
        assert err.diagnostics
        assert analysis.diagnostics
    else:
        assert not analysis.diagnostics
        assert isinstance(crm_map, crmdsl.CrmMap)


@given(st.text(max_size=400))
@example("")
@example("\x00\x01\x02")
@example("team a\n" + " " * 50 + "team b\n")
@example('team a "\\')
@example("process p\n  flow ->\n")
def test_any_text(text: str) -> None:
    check_analysis(text)


@given(language_like)
def test_language_like_text(text: str) -> None:
    check_analysis(text)


@st.composite
def mutated_map(draw: st.DrawFn) -> str:
    return draw(mutated(draw(st.sampled_from(MAPS))))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` with one to four lines deleted, duplicated, swapped, typed into or indented."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", ""])) + lines[i].lstrip()
        else:
            at = draw(st.integers(0, len(lines[i])))
            extra = draw(st.text(min_size=1, max_size=3) | st.sampled_from(PIECES))
            lines[i] = lines[i][:at] + extra + lines[i][at:]
    return "\n".join(lines)


@given(mutated_map())
def test_mutated_examples(text: str) -> None:
    check_analysis(text)


@given(st.binary(max_size=300))
def test_any_bytes_from_a_file(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "m.crm"
    path.write_bytes(data)
    analysis = crmdsl.analyze_path(path)
    for d in analysis.diagnostics:
        assert d.kind in LOAD_ERROR_KINDS and (d.span is not None or d.kind == "io")
    try:
        crmdsl.load(path)
    except LoadError:
        assert analysis.diagnostics
    else:
        # Catches `load` returning a map from a file with load errors (without this
        # `else` the test passed whenever `load` stopped raising).
        assert not analysis.diagnostics


def _result(text: str) -> tuple[object, object]:
    from .helpers import strip_spans

    analysis = crmdsl.analyze(text, "m.crm")
    return [(d.kind, d.message, d.span) for d in analysis.diagnostics], strip_spans(analysis.map)


@given(mutated_map())
def test_analysis_is_the_same_with_a_warm_or_cold_cache(text: str) -> None:
    from crmdsl.language.parse import clear_cache

    warm_before = _result(text)
    warm_again = _result(text)
    clear_cache()
    cold = _result(text)
    assert warm_before == warm_again == cold


def test_a_block_reused_in_two_files_is_built_anew_in_each() -> None:
    # the parse cache is keyed by block text: the same block in two maps must not share
    # model objects or spans
    block = "journey j\n  stage s\n    touchpoint t score 3\n"
    first = crmdsl.analyze(block, "a.crm").map
    second = crmdsl.analyze("team x\n" + block, "b.crm").map
    tp1 = first.journeys[0].stages[0].touchpoints[0]
    tp2 = second.journeys[0].stages[0].touchpoints[0]
    assert tp1 is not tp2
    assert (str(tp1.span), str(tp2.span)) == ("a.crm:3:5", "b.crm:4:5")
