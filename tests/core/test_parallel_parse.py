"""Large files are parsed on several cores; what comes out must not depend on it."""

from __future__ import annotations

from pathlib import Path

import pytest

import crmdsl
from crmdsl.language import parse
from crmdsl.language.source import SourceText

ACME = (Path(__file__).parents[2] / "examples" / "acme.crm").read_text(encoding="utf-8")


def _tok(t: parse.Tok) -> tuple[str, str, int, int]:
    # `Tok.line` counts from the text the parser read, which depends on how blocks were
    # batched; `Line.lineno` is what places a token.
    return (t.type, t.value, t.column, t.end_column)


def _shape(parsed: parse.ParsedFile) -> list[object]:
    out: list[object] = []

    def walk(line: parse.Line) -> None:
        ftype = None
        if line.ftype is not None:
            args = line.ftype[1]
            ftype = (_tok(line.ftype[0]), None if args is None else [_tok(t) for t in args])
        out.append((line.lineno, line.indent, line.bad, [_tok(t) for t in line.toks], ftype))
        for child in line.children:
            walk(child)

    for root in parsed.roots:
        walk(root)
    return [out, [(c.line, c.col, c.text) for c in parsed.comments], parsed.diagnostics]


@pytest.fixture
def big_text() -> str:
    # Ten copies of the Acme map's blocks (ids repeat, which only the resolver minds),
    # with one bad line so the line-by-line path crosses the fork too.
    body = ACME.split("\n", 2)[2]
    return ACME + "".join(body for _ in range(9)) + "team bad @\n"


def test_every_core_gives_the_same_parse(big_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "PARALLEL_MIN_LINES", 10)
    source = SourceText.from_text(big_text, "big.crm")
    parse.clear_cache()
    alone = _shape(parse.parse_source(source, jobs=1))
    parse.clear_cache()
    shared = _shape(parse.parse_source(source, jobs=2))
    parse.clear_cache()
    assert shared == alone
    assert any(d.message == "unexpected character `@`" for d in shared[2])  # type: ignore[union-attr]


def test_jobs_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMDSL_JOBS", "1")
    assert parse._jobs() == 1
    monkeypatch.setenv("CRMDSL_JOBS", "3")
    assert parse._jobs() == 3


def test_a_parallel_load_resolves_like_a_single_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "PARALLEL_MIN_LINES", 10)
    parse.clear_cache()
    monkeypatch.setenv("CRMDSL_JOBS", "2")
    shared = crmdsl.analyze(ACME, "acme.crm")
    parse.clear_cache()
    monkeypatch.setenv("CRMDSL_JOBS", "1")
    alone = crmdsl.analyze(ACME, "acme.crm")
    assert not shared.diagnostics and not alone.diagnostics
    assert crmdsl.model.to_json(shared.map) == crmdsl.model.to_json(alone.map)


def test_blocks_parsed_in_one_call_or_one_by_one_are_the_same(big_text: str) -> None:
    source = SourceText.from_text(big_text.replace("team bad @\n", ""), "big.crm")
    blocks = parse._split_blocks(source.lines)
    texts = ["\n".join(source.lines[b.first : b.last + 1]) + "\n" for b in blocks]
    parse.clear_cache()
    parse._parse_blocks(texts)
    batched = {t: parse._CACHE[t] for t in texts}
    parse.clear_cache()
    one_by_one = {t: parse._parse_block(t) for t in texts}
    parse.clear_cache()

    def shape(result: object) -> object:
        lines, comments, errors = result  # type: ignore[misc]
        return (
            [
                (rel, [_tok(t) for t in toks], ftype and _tok(ftype[0]))
                for rel, toks, ftype in lines
            ],
            comments,
            errors,
        )

    assert {t: shape(r) for t, r in batched.items()} == {t: shape(r) for t, r in one_by_one.items()}
