"""One reference walker, driven by the clause table: a new reference clause is followed
by resolve (unknown names are load errors), the linter (M004 counts it as a use) and
rename/delete (they rewrite it), with no change but the table and the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

import crmdsl
from crmdsl import edit
from crmdsl import model as m
from crmdsl.language import parse, schema
from crmdsl.language.build import statements
from crmdsl.language.refs import walk_refs
from crmdsl.language.schema import ClauseSpec, ValueKind


@m._DATA
class ReviewedProcess(m.Process):
    """A process with one more reference: the team that reviews it."""

    reviewer: m.Ref | None = None


@pytest.fixture()
def reviewer_clause(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A copy of the clause table where a process has `reviewer TEAM`."""
    spec = schema.STATEMENTS["process"]
    clause = ClauseSpec("reviewer", ValueKind.REF, "reviewer", "who reviews it", ref="team")
    extended = dataclasses.replace(spec, clauses=(*spec.clauses, clause))
    monkeypatch.setitem(schema.STATEMENTS, "process", extended)
    monkeypatch.setitem(statements._MODELS, "process", ReviewedProcess)
    parse.clear_cache()  # blocks built with the table as it was
    yield
    parse.clear_cache()


MAP = """\
map "Reviewed"
team sales "Sales"
team audit "Audit"

process onboarding "Onboarding" owner sales reviewer audit
  step call "Call the customer"
"""


def _used_teams(text: str) -> set[str]:
    result = crmdsl.lint(crmdsl.loads(text))
    unused = {f.message for f in result.findings if f.code == "M004"}
    return {team for team in ("sales", "audit") if not any(f"`{team}`" in u for u in unused)}


def test_without_the_clause_the_word_is_not_known() -> None:
    analysis = crmdsl.analyze(MAP)
    assert [d.message for d in analysis.diagnostics] == ["unknown clause `reviewer` in a process"]


def test_resolve_follows_a_new_reference_clause(reviewer_clause: None) -> None:
    mp = crmdsl.loads(MAP)
    assert mp.processes[0].reviewer.target == "audit"  # type: ignore[attr-defined]
    broken = crmdsl.analyze(MAP.replace("reviewer audit", "reviewer audti"))
    assert [(d.kind, d.message, d.hint) for d in broken.diagnostics] == [
        ("unknown-reference", "no team `audti`", "did you mean `audit`?")
    ]
    sites = [s for s in walk_refs(mp) if s.keyword == "reviewer"]
    assert [(s.ref.text, s.kind, s.role) for s in sites] == [("audit", "team", "clause")]


def test_m004_counts_a_new_reference_clause_as_a_use(reviewer_clause: None) -> None:
    assert _used_teams(MAP) == {"sales", "audit"}
    assert _used_teams(MAP.replace(" reviewer audit", "")) == {"sales"}


def test_rename_and_delete_follow_a_new_reference_clause(reviewer_clause: None) -> None:
    analysis = crmdsl.analyze(MAP)
    texts = {path: source.text for path, source in analysis.sources.items()}
    (root,) = texts
    after = edit.rename(analysis, "audit", "review_board").apply(texts)[root]
    assert "reviewer review_board" in after and 'team review_board "Audit"' in after
    assert [str(r).split(": ", 1)[1] for r in edit.references(analysis, "audit")] == [
        "`audit` in process `onboarding`"
    ]
    deleted = edit.delete(analysis, "audit", cascade=True).apply(texts)[root]
    assert 'process onboarding "Onboarding" owner sales\n' in deleted
    assert "audit" not in deleted
