"""The user docs of the core stay true: the generated language reference is current, every
load error kind is documented, and the examples in docs/api.md run."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from crmdsl.errors import LOAD_ERROR_KINDS
from crmdsl.language.schema import STATEMENTS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REGENERATE = ".venv/bin/python scripts/gen_language_doc.py"


def generator():
    spec = importlib.util.spec_from_file_location(
        "gen_language_doc", ROOT / "scripts" / "gen_language_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_language_reference_is_current() -> None:
    current = (DOCS / "language.md").read_text(encoding="utf-8")
    assert generator().update(current) == current, f"docs/language.md is stale: run `{REGENERATE}`"


def test_language_reference_has_every_statement_and_clause() -> None:
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    for spec in STATEMENTS.values():
        assert f"\n{spec.syntax}\n" in text, spec.keyword
        for clause in spec.clauses:
            assert f"| `{clause.keyword}` |" in text, (spec.keyword, clause.keyword)


def test_the_generator_notices_a_change() -> None:
    gen = generator()
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


@pytest.mark.parametrize("number", range(len(_python_blocks("api.md"))))
def test_api_examples_run(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(_python_blocks("api.md")[number], f"docs/api.md#{number}", "exec"), {})


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
        "io",
    }
