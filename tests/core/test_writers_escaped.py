"""Every Markdown writer, fed the hostile label corpus, writes inert text.

Maps carrying the corpus in every place a user writes text go through `crmdsl report`,
`crmdsl render -o page.md`, `crmdsl diff --format markdown` and `crmdsl docs`; each page
is rendered by markdown-it-py (CommonMark with GitHub tables). The rendered HTML has no
tag a label could have made (only the writer's own headings, lists, tables, code and
emphasis), every heading is on one line and shows its label exactly, and no raw HTML
token comes from a label.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import crmdsl
from crmdsl.cli.render_cmd import markdown_page
from crmdsl.diffing import diff_maps
from crmdsl.diffing.output import markdown as diff_markdown
from crmdsl.docs_sync import sync_text
from crmdsl.views import everything
from crmdsl.views.markup import one_line
from tests.fuzz.hostile import labels, quote
from tests.fuzz.inert import MD, assert_inert, headings
from tests.views.test_views_real_mermaid import corpus_map

TODAY = datetime.date(2026, 10, 1)
PER_MAP = 64


#: The labels a map can hold (a carriage return ends a line).
USABLE = [label for label in labels() if "\r" not in label]


def _chunks() -> list[list[str]]:
    count = -(-len(USABLE) // PER_MAP)
    return [USABLE[i::count] for i in range(count)]


CHUNKS = _chunks()


def tiny_map(label: str) -> str:
    """A small map whose every title and label is `label`."""
    q = quote(label)
    lines = [f"map {q}", "  owner t", f"team t {q}", f"channel c {q}"]
    lines += [f"system s {q} kind crm owner t", f"entity s.E {q}", "  f: string pii"]
    lines += [f"journey j {q} owner t", f"  stage st {q}"]
    lines += [f"    touchpoint tp {q} channel c score 3 owner t system s"]
    lines += [f"      pain {q}", f"      idea {q}", f"process p {q} owner t"]
    lines += [f"  step a {q} owner t takes 1d", f"goal g {q} owner t", "  supported-by j, p"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tiny_maps() -> list[tuple[str, crmdsl.CrmMap]]:
    return [(label, crmdsl.loads(tiny_map(label), "t.crm")) for label in USABLE]


@pytest.fixture(scope="module", params=range(len(CHUNKS)), ids=lambda n: f"chunk{n}")
def chunk_map(request: pytest.FixtureRequest) -> tuple[list[str], crmdsl.CrmMap]:
    chunk = CHUNKS[request.param]
    return chunk, crmdsl.loads(corpus_map(chunk), f"corpus{request.param}.crm")


def _report(crm_map: crmdsl.CrmMap) -> str:
    return str(crmdsl.report(crm_map, crmdsl.lint(crm_map).findings, TODAY, "corpus.crm"))


def test_a_report_with_labels_in_every_table_is_inert(
    chunk_map: tuple[list[str], crmdsl.CrmMap],
) -> None:
    assert_inert(_report(chunk_map[1]))


def test_report_headings_show_each_label_exactly(
    tiny_maps: list[tuple[str, crmdsl.CrmMap]],
) -> None:
    for label, crm_map in tiny_maps:
        found = headings(assert_inert(_report(crm_map)))
        assert found[0] == f"{one_line(label)}: CRM map report", label
        assert sum(h.startswith(one_line(label)) for h in found) >= 3, (label, found)


def test_a_rendered_markdown_page_shows_each_title_exactly(
    tiny_maps: list[tuple[str, crmdsl.CrmMap]],
) -> None:
    for label, crm_map in tiny_maps:
        diagrams, _ = everything(crm_map)
        tokens = assert_inert(markdown_page(diagrams, crm_map.title))
        assert headings(tokens) == [one_line(label)] + [one_line(d.title) for d in diagrams]
        assert sum(one_line(label) in one_line(d.title) for d in diagrams) >= 2, label
        for diagram in diagrams:
            tokens = assert_inert(markdown_page([diagram]))
            assert headings(tokens) == [one_line(diagram.title)]
            fences = [t for t in tokens if t.type == "fence"]
            assert [(f.info, f.content) for f in fences] == [("mermaid", diagram.text)]


def test_the_diff_page_is_inert(chunk_map: tuple[list[str], crmdsl.CrmMap]) -> None:
    chunk, crm_map = chunk_map
    text = corpus_map(chunk)
    changed = text.replace("  step st1 ", "  step st1x ").replace("team t2 ", "team t2x ")
    old = crmdsl.analyze(text, "corpus.crm")
    new = crmdsl.analyze(changed, "corpus.crm")
    page = diff_markdown([diff_maps(old, new, today=TODAY)])
    assert_inert(page)


def test_a_synced_docs_page_is_inert(tmp_path: Path) -> None:
    chunk = CHUNKS[0]
    (tmp_path / "m.crm").write_text(corpus_map(chunk), encoding="utf-8")
    page = "# Maps\n\n<!-- crmdsl:begin view=process id=p map=m.crm -->\n<!-- crmdsl:end -->\n"
    result = sync_text(page, tmp_path, "page.md")
    tokens = MD.parse(result.new_text)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "mermaid"
    assert [t.type for t in tokens if t.type.startswith("html")] == ["html_block"] * 2
