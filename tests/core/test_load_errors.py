"""Every kind of load error: its message, its line:col, and what the user reads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import crmdsl
from crmdsl.errors import LOAD_ERROR_KINDS, LoadError

from .helpers import brief, diags, rendered


def crm(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# (kind, text, line, column, message) — one or more cases for every kind that a text
# alone can produce; the include kinds and `io` need files and are tested below.
CASES = [
    ("syntax", "jorney j\n", 1, 1, "unknown statement `jorney`"),
    ("syntax", 'team a "A\n', 1, 8, "this string is not closed"),
    ("syntax", "system s kind crm @\n", 1, 19, "unexpected character `@`"),
    ("syntax", 'team b description "x\\qy"\n', 1, 22, "`\\q` is not an escape a string knows"),
    (
        "syntax",
        'team t\n   description "x"\n  description "y"\n',
        3,
        1,
        "this line is indented 2 spaces, which lines up with no block above "
        "(its siblings are indented 3)",
    ),
    (
        "syntax",
        "  team a\n",
        1,
        1,
        "this line is indented, but there is no statement above it to belong to",
    ),
    (
        "syntax",
        "process p\n  step a ->\n",
        2,
        12,
        "expected a step, decision or end of this process after `->`, but the line ends",
    ),
    (
        "syntax",
        "process p\n  step a sla tomorrow\n",
        2,
        14,
        "expected a duration such as 4h or 2d after `sla`, found `tomorrow`",
    ),
    ("syntax", "system s frobnicate\n", 1, 10, "unknown clause `frobnicate` in a system"),
    (
        "syntax",
        "entity s\n",
        1,
        8,
        "expected SYSTEM.Name after `entity`, as in salesforce.Lead, found `s`",
    ),
    (
        "tab-indent",
        'team q\n\tdescription "x"\n',
        2,
        1,
        "a tab in the indentation; indent with spaces",
    ),
    (
        "tab-indent",
        'team q\n  \tdescription "x"\n',
        2,
        3,
        "a tab in the indentation; indent with spaces",
    ),
    ("unknown-reference", "team sales\nsystem sf owner sale\n", 2, 17, "no team `sale`"),
    ("duplicate-id", "team sales\nteam sales\n", 2, 6, "`sales` is declared twice"),
    (
        "duplicate-id",
        "team sales\nsystem sales\n",
        2,
        8,
        "`sales` is declared twice (as a team and a system)",
    ),
    (
        "duplicate-id",
        'process p\n  step a\n  decision d\n    yes -> a\n    "yes" -> a\n',
        5,
        5,
        "the outcome `yes` is listed twice in decision `d`",
    ),
    (
        "duplicate-id",
        "system s\nentity s.E\n  x: enum(a, a)\n",
        3,
        14,
        "the enum value `a` is listed twice",
    ),
    (
        "case-collision",
        "team sales\nteam Sales\n",
        2,
        6,
        "`Sales` differs from `sales` only in case",
    ),
    (
        "case-collision",
        "process p\n  step a\n  step A\n",
        3,
        8,
        "`p.A` differs from `p.a` only in case",
    ),
    (
        "clause-not-allowed",
        "journey j\n  stage s\n    touchpoint v sla 2d\n",
        3,
        18,
        "`sla` is not allowed in a touchpoint",
    ),
    (
        "clause-not-allowed",
        "stage s\n",
        1,
        1,
        "a stage belongs inside a journey, not at the top level",
    ),
    (
        "clause-not-allowed",
        "team t\n  team u\n",
        2,
        3,
        "a team is a top-level statement; it cannot stand in a team",
    ),
    (
        "clause-not-allowed",
        'map "A"\nmap "B"\n',
        2,
        1,
        "a map has one header; this file already has one",
    ),
    (
        "clause-not-allowed",
        "system a\nsystem b\nintegration i a -> b master a\n",
        3,
        29,
        "`master` is only allowed on a two-way integration (`A <-> B`)",
    ),
    (
        "clause-not-allowed",
        "process p\n  step a manual automated\n",
        2,
        17,
        "a step takes one of `manual` and `automated`, not both",
    ),
    (
        "bad-value",
        "journey j\n  stage s\n    touchpoint t score 7\n",
        3,
        24,
        "a score is a whole number from 1 to 5, not 7",
    ),
    ("bad-value", "system x kind crmm\n", 1, 15, "`crmm` is not a kind of a system"),
    ("bad-value", 'map "M" reviewed 2026-02-30\n', 1, 18, "`2026-02-30` is not a real date"),
    (
        "bad-value",
        "goal g\n  cost 5 XYZ per year\n",
        2,
        10,
        "`XYZ` is not an ISO 4217 currency code",
    ),
    (
        "bad-value",
        "system y users -3\n",
        1,
        16,
        "expected a whole number such as 120 or 250_000 after `users`, found `-3`",
    ),
    ("bad-value", "system s\nentity s.E\n  a: emial\n", 3, 6, "`emial` is not a field type"),
    (
        "bad-value",
        "system a\nsystem b\nsystem c\nintegration i a <-> b master c\n",
        4,
        30,
        "`master` must be one of the ends, `a` or `b`",
    ),
    (
        "bad-value",
        "process p\n  step a\n  end e\n  flow e -> a\n",
        4,
        8,
        "an end flows nowhere: `e` is an end of `p`",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "line", "col", "message"),
    CASES,
    ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)],
)
def test_load_error(kind: str, text: str, line: int, col: int, message: str) -> None:
    assert brief(text) == [(kind, line, col, message)]


def test_every_kind_is_tested() -> None:
    tested = {c[0] for c in CASES} | {
        "include-outside-root",
        "include-cycle",
        "include-missing",
        "map-in-fragment",
        "too-many-errors",  # tests/core/test_limits.py
        "io",
    }
    assert tested == set(LOAD_ERROR_KINDS)


def test_loads_raises_one_load_error_with_every_diagnostic() -> None:
    text = "team sales\nteam sales\nsystem s owner nobody\n"
    with pytest.raises(LoadError) as caught:
        crmdsl.loads(text, "m.crm")
    err = caught.value
    assert [d.kind for d in err.diagnostics] == ["duplicate-id", "unknown-reference"]
    assert str(err) == "m.crm:2:6: `sales` is declared twice (and 1 more)"
    assert isinstance(err, crmdsl.CrmdslError)


def test_loads_without_a_path_names_the_string() -> None:
    with pytest.raises(LoadError) as caught:
        crmdsl.loads("team a\nteam a\n")
    assert str(caught.value) == "<string>:2:6: `a` is declared twice"


# -- what the user reads ------------------------------------------------------------


def test_rendered_syntax_error_has_caret_under_the_token() -> None:
    text = 'team sales\nprocess p\n  step qualify "Qualify lead" owner sales sla tomorrow\n'
    assert rendered(text) == (
        "error[syntax]: expected a duration such as 4h or 2d after `sla`, found `tomorrow`\n"
        "  --> m.crm:3:47\n"
        "  |\n"
        '3 |   step qualify "Qualify lead" owner sales sla tomorrow\n'
        "  |                                               ^^^^^^^^ not a duration\n"
        "  |"
    )


def test_rendered_unknown_reference_suggests_the_closest() -> None:
    text = (
        "system hubspot\nsystem salesforce\nintegration lead_sync hubspot -> salesforec every 15m\n"
    )
    assert rendered(text) == (
        "error[unknown-reference]: no system `salesforec`\n"
        "  --> m.crm:3:34\n"
        "  |\n"
        "3 | integration lead_sync hubspot -> salesforec every 15m\n"
        "  |                                  ^^^^^^^^^^ did you mean `salesforce`?\n"
        "  |"
    )


def test_rendered_duplicate_points_at_the_first() -> None:
    assert rendered("team sales\nteam sales\n") == (
        "error[duplicate-id]: `sales` is declared twice\n"
        "  --> m.crm:2:6\n"
        "  |\n"
        "2 | team sales\n"
        "  |      ^^^^^ give one of them another id\n"
        "  |\n"
        "  = note: the first `sales` is here (m.crm:1:6)"
    )


def test_rendered_tab_shows_the_tab() -> None:
    assert rendered('team q\n\tdescription "x"\n') == (
        "error[tab-indent]: a tab in the indentation; indent with spaces\n"
        "  --> m.crm:2:1\n"
        "  |\n"
        '2 | →description "x"\n'
        "  | ^ replace the tab with spaces\n"
        "  |"
    )


def test_rendered_line_numbers_widen_the_gutter() -> None:
    text = "\n" * 11 + "team a\nteam a\n"
    assert rendered(text).splitlines()[2:5] == [
        "   |",
        "13 | team a",
        "   |      ^ give one of them another id",
    ]


def test_rendered_long_line_is_cut_around_the_caret() -> None:
    text = "team a description " + '"' + "x" * 500 + '" frob\n'
    out = rendered(text).splitlines()
    assert out[1] == "  --> m.crm:1:523"
    source, caret = out[3], out[4]
    assert source.startswith("1 | …") and len(source) < 220
    assert caret.index("^") == source.index("frob")


# -- all the errors of a file, in one run ---------------------------------------------


def test_every_error_of_a_journey_is_reported() -> None:
    text = crm(
        """
        team sales
        journey j owner sales
          stage s
            touchpoint t scroe 3
            touchpoint u score 3 owner salez
            touchpoint w score 4
        goal g supported-by j.w
        """
    )
    assert brief(text) == [
        ("syntax", 4, 18, "unknown clause `scroe` in a touchpoint"),
        ("unknown-reference", 5, 32, "no team `salez`"),
    ]
    crm_map = crmdsl.analyze(text, "m.crm").map
    # The bad line cost only itself: its siblings loaded.
    assert [tp.id for tp in crm_map.journeys[0].stages[0].touchpoints] == ["u", "w"]


def test_a_bad_clause_value_drops_the_statement_and_its_block() -> None:
    text = crm(
        """
        journey j
          stage s
            touchpoint t score 7
              pain "lost with it"
            touchpoint u score 3
        """
    )
    analysis = crmdsl.analyze(text, "m.crm")
    assert [d.message for d in analysis.diagnostics] == [
        "a score is a whole number from 1 to 5, not 7"
    ]
    (stage,) = analysis.map.journeys[0].stages
    assert [tp.id for tp in stage.touchpoints] == ["u"]


def test_a_bad_clause_line_in_a_block_drops_only_that_line() -> None:
    text = crm(
        """
        journey j
          stage s
            touchpoint t score 3
              score 9
              pain "kept"
        """
    )
    analysis = crmdsl.analyze(text, "m.crm")
    assert [(d.span.line, d.message) for d in analysis.diagnostics] == [
        (4, "a score is a whole number from 1 to 5, not 9")
    ]
    (tp,) = analysis.map.journeys[0].stages[0].touchpoints
    assert (tp.id, tp.score, tp.pains) == ("t", 3, ["kept"])


def test_references_to_what_was_lost_are_not_reported_again() -> None:
    text = crm(
        """
        team sales
        system sf kind crmm
        entity sf.Lead
          email: emial
        journey j
          stage s
            touchpoint t score 7
            touchpoint u @
        process p
          step a sla soon
        goal g supported-by j.t, j.u, p.a, j.nope
        integration i sf -> sf
          map Lead.email -> Lead.email
        """
    )
    assert [(k, line, m) for k, line, _, m in brief(text)] == [
        ("bad-value", 2, "`crmm` is not a kind of a system"),
        ("bad-value", 4, "`emial` is not a field type"),
        ("bad-value", 7, "a score is a whole number from 1 to 5, not 7"),
        ("syntax", 8, "unexpected character `@`"),
        ("syntax", 10, "expected a duration such as 4h or 2d after `sla`, found `soon`"),
        ("unknown-reference", 11, "no stage or touchpoint `nope` in journey `j`"),
    ]


def test_errors_come_in_file_order_across_kinds() -> None:
    text = "team b owner x\nteam a\nteam a\n\tteam c\nsystem s owner zz\n"
    lines = [line for _, line, _, _ in brief(text)]
    assert lines == sorted(lines) and len(lines) == 4


# -- includes and files -----------------------------------------------------------------


def test_include_outside_root(tmp_path: Path) -> None:
    (tmp_path / "x.crm").write_text("team x\n", encoding="utf-8")
    root = tmp_path / "maps" / "root.crm"
    root.parent.mkdir()
    root.write_text('map "M"\ninclude "../x.crm"\nsystem a owner x\n', encoding="utf-8")
    found = crmdsl.analyze_path(root).diagnostics
    assert [(d.kind, d.span.line, d.span.col, d.message) for d in found] == [
        ("include-outside-root", 2, 1, "`../x.crm` is outside the map's folder"),
    ]
    assert found[0].hint == "an include may not leave the folder of the root file"


def test_include_missing(tmp_path: Path) -> None:
    root = tmp_path / "root.crm"
    root.write_text('map "M"\n\ninclude "nope.crm"\n', encoding="utf-8")
    (d,) = crmdsl.analyze_path(root).diagnostics
    assert (d.kind, d.span.line, d.span.col) == ("include-missing", 3, 1)
    assert d.message.startswith("cannot include `nope.crm`: no such file")


def test_include_cycle_shows_the_cycle(tmp_path: Path) -> None:
    (tmp_path / "root.crm").write_text('map "M"\ninclude "a.crm"\n', encoding="utf-8")
    (tmp_path / "a.crm").write_text('include "b.crm"\n', encoding="utf-8")
    (tmp_path / "b.crm").write_text('team b\ninclude "a.crm"\n', encoding="utf-8")
    (d,) = crmdsl.analyze_path(tmp_path / "root.crm").diagnostics
    assert (d.kind, d.span.file, d.span.line, d.span.col) == (
        "include-cycle",
        str(tmp_path / "b.crm"),
        2,
        1,
    )
    assert d.message == "these files include each other in a circle: a.crm -> b.crm -> a.crm"


def test_map_in_fragment(tmp_path: Path) -> None:
    (tmp_path / "root.crm").write_text('map "M"\ninclude "f.crm"\n', encoding="utf-8")
    (tmp_path / "f.crm").write_text('team f\nmap "F"\n', encoding="utf-8")
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    (d,) = analysis.diagnostics
    assert (d.kind, d.span.line, d.span.col) == ("map-in-fragment", 2, 1)
    assert d.message == (
        f"`{tmp_path / 'f.crm'}` is included by another file, so it may not have a `map` header"
    )
    assert [(n.message, n.span.line) for n in d.notes] == [("it is included here", 2)]
    assert analysis.map.title == "M" and [t.id for t in analysis.map.teams] == ["f"]


def test_io_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.crm"
    (d,) = crmdsl.analyze_path(missing).diagnostics
    assert (d.kind, d.span, d.message) == ("io", None, f"no such file: {missing}")
    with pytest.raises(LoadError, match="^no such file: "):
        crmdsl.load(missing)


def test_io_folder(tmp_path: Path) -> None:
    (d,) = crmdsl.analyze_path(tmp_path).diagnostics
    assert (d.kind, d.message) == ("io", f"{tmp_path} is a folder, not a .crm file")


def test_invalid_utf8_is_a_syntax_error_at_the_byte(tmp_path: Path) -> None:
    bad = tmp_path / "bad.crm"
    bad.write_bytes(b"team a\nteam b \xff\xfe\n")
    (d,) = crmdsl.analyze_path(bad).diagnostics
    assert (d.kind, d.span.line, d.span.col) == ("syntax", 2, 8)
    assert d.message == "the file is not UTF-8 text: byte 0xff at line 2 cannot be read"
    assert d.hint == "save the file as UTF-8"


def test_empty_map_loads(tmp_path: Path) -> None:
    empty = tmp_path / "empty.crm"
    empty.write_text("", encoding="utf-8")
    assert crmdsl.load(empty).teams == []
    assert diags("") == []
    assert diags("\n\n   \n# only a comment\n") == []


def test_a_channel_that_differs_from_a_built_in_only_in_case() -> None:
    (d,) = crmdsl.analyze("channel Web\n", "m.crm").diagnostics
    assert (d.kind, d.message) == ("case-collision", "`Web` differs from `web` only in case")
    assert [(n.message, n.span) for n in d.notes] == [("`web` is a built-in channel", None)]
    assert diags('channel web "Website"\n') == []  # relabelling a built-in is fine


def test_case_collisions_are_per_namespace() -> None:
    assert brief("system s\nentity s.E\n  email: email\n  Email: string\n") == [
        ("case-collision", 4, 3, "`s.E.Email` differs from `s.E.email` only in case")
    ]
    # the same member id in two journeys, or a channel and a team with one id, is fine
    text = (
        "team email\njourney a\n  stage s\n    touchpoint t\n"
        "journey b\n  stage s\n    touchpoint t channel email owner email\n"
    )
    assert diags(text) == []


def test_what_an_unparsable_journey_declared_stays_in_its_scope() -> None:
    # `stage sales` under a lost journey is `j.sales`; it does not hide a missing team
    text = "journey j @\n  stage sales\n    touchpoint t\nsystem x owner sales\n"
    text += "goal g supported-by j.t, j.sales\n"
    assert [(k, line) for k, line, _, _ in brief(text)] == [
        ("syntax", 1),
        ("unknown-reference", 4),
    ]
