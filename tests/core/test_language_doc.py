"""The user docs of the core stay true: the generated language reference is current, every
load error kind is documented, and the examples in docs/api.md run."""

from __future__ import annotations

import contextlib
import io
import re
import tokenize
from pathlib import Path

import pytest

from crmdsl.errors import LOAD_ERROR_KINDS
from crmdsl.language.schema import STATEMENTS
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REGENERATE = ".venv/bin/python scripts/gen_language_doc.py"


def test_language_reference_is_current() -> None:
    current = (DOCS / "language.md").read_text(encoding="utf-8")
    assert load_script("gen_language_doc").update(current) == current, (
        f"docs/language.md is stale: run `{REGENERATE}`"
    )


def test_language_reference_has_every_statement_and_clause() -> None:
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    for spec in STATEMENTS.values():
        assert f"\n{spec.syntax}\n" in text, spec.keyword
        for clause in spec.clauses:
            assert f"| `{clause.keyword}` |" in text, (spec.keyword, clause.keyword)


def test_the_generator_notices_a_change() -> None:
    gen = load_script("gen_language_doc")
    current = (DOCS / "language.md").read_text(encoding="utf-8")
    tampered = current.replace("| `sla` |", "| `slaa` |")
    assert tampered != current
    assert gen.update(tampered) == current


def test_every_load_error_kind_is_documented() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    for kind in LOAD_ERROR_KINDS:
        assert f"## `{kind}`" in text, kind


def _python_blocks(name: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def claimed_output(code: str) -> list[str]:
    """What an example says it prints: the comment on a `print(...)` line, and the comment
    lines right under it (`# ...` stands for any number of lines)."""
    comments: dict[int, tuple[str, bool]] = {}  # line -> (text, whole line?)
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            text = tok.string[1:]
            comments[tok.start[0]] = (text[1:] if text.startswith(" ") else text, tok.start[1] == 0)
    claimed: list[str] = []
    printing = False
    for number, line in enumerate(code.splitlines(), start=1):
        text, whole = comments.get(number, ("", False))
        if number in comments and whole and printing:
            claimed.append(text)
        elif "print(" in line:
            printing = True
            if number in comments:
                claimed.append(text)
        else:
            printing = False
    return claimed


def _matches(printed: list[str], claimed: list[str]) -> bool:
    pattern = "".join(
        r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in claimed
    )
    return (
        re.fullmatch(
            pattern + (r"(?:.*\n)*" if claimed[-1:] == ["..."] else ""),
            "".join(f"{line}\n" for line in printed),
        )
        is not None
    )


@pytest.mark.parametrize("number", range(len(_python_blocks("api.md"))))
def test_api_examples_print_what_they_say(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = _python_blocks("api.md")[number]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"docs/api.md#{number}", "exec"), {})
    printed = [
        line.rstrip() for line in out.getvalue().splitlines()
    ]  # a comment shows no end space
    claimed = claimed_output(code)
    assert _matches(printed, claimed), "\n".join(["printed:", *printed, "claimed:", *claimed])


def test_the_output_check_notices_a_wrong_claim() -> None:
    code = 'print("a")  # a\nprint("b")\n# b\n# c\nx = 1\n# not output\n'
    assert claimed_output(code) == ["a", "b", "c"]
    assert _matches(["a", "b", "c"], ["a", "b", "c"])
    assert not _matches(["a", "b"], ["a", "b", "c"])
    assert _matches(["a", "x", "y", "c"], ["a", "...", "c"])
    assert not _matches(["a", "x"], ["a", "...", "c"])


def test_the_api_page_lists_exactly_the_public_api() -> None:
    import crmdsl

    text = (DOCS / "api.md").read_text(encoding="utf-8")
    table = text.split("<!-- public-api:", 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"^\| `([A-Za-z_]+)", table, re.M)
    assert sorted(names) == sorted(crmdsl.__all__), "docs/api.md: one row per name of __all__"


def _error_examples() -> list[tuple[str, str]]:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    return re.findall(r"```crm\n(.*?)```\n\n```text\n(.*?)\n```", text, re.S)


@pytest.mark.parametrize("number", range(len(_error_examples())))
def test_error_examples_are_what_crmdsl_prints(number: int) -> None:
    import crmdsl
    from crmdsl.errors import render_diagnostic

    source, shown = _error_examples()[number]
    analysis = crmdsl.analyze(source, "map.crm")
    assert "\n".join(render_diagnostic(d, analysis.lines_of()) for d in analysis.diagnostics) == (
        shown
    )


def test_errors_doc_has_examples_for_every_text_kind() -> None:
    import crmdsl

    kinds = {crmdsl.analyze(src, "map.crm").diagnostics[0].kind for src, _ in _error_examples()}
    assert kinds == set(LOAD_ERROR_KINDS) - {
        "include-outside-root",
        "include-cycle",
        "include-missing",
        "map-in-fragment",
        "too-many-errors",
        "io",
    }


def test_an_example_whose_error_stops_happening_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches a `try` in an example passing when the error it shows stops happening: the
    `except` branch's print is output the example claims, so its absence is a mismatch
    (docs/api.md's examples need no `else` for this)."""
    monkeypatch.chdir(ROOT)
    code = _python_blocks("api.md")[0]
    assert 'crmdsl.render(acme, "process", "billing")' in code
    quiet = code.replace('crmdsl.render(acme, "process", "billing")', "pass")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(quiet, "docs/api.md#0", "exec"), {})
    printed = [line.rstrip() for line in out.getvalue().splitlines()]
    assert not _matches(printed, claimed_output(code))
