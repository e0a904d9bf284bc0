"""Roots, fragments and `include`, as docs/language.md's "Files and includes" says."""

from __future__ import annotations

from pathlib import Path

import pytest

import crmdsl
from crmdsl.language.workspace import find_maps


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_relative_paths_from_nested_folders(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root.crm": 'map "M"\ninclude "parts/systems.crm"\n',
            "parts/systems.crm": 'include "teams/all.crm"\nsystem crm owner sales\n',
            "parts/teams/all.crm": 'include "../../shared.crm"\nteam sales\n',
            "shared.crm": "team it\n",
        },
    )
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    assert analysis.diagnostics == []
    crm_map = analysis.map
    assert [t.id for t in crm_map.teams] == ["sales", "it"]
    assert crm_map.systems[0].owner.target == "sales"
    root = str(tmp_path / "root.crm")
    assert crm_map.root == root
    assert crm_map.files == [
        root,
        str(tmp_path / "parts/systems.crm"),
        str(tmp_path / "parts/teams/all.crm"),
        str(tmp_path / "shared.crm"),
    ]
    assert [i.file for i in crm_map.includes] == [
        str(tmp_path / "parts/systems.crm"),
        str(tmp_path / "parts/teams/all.crm"),
        str(tmp_path / "shared.crm"),
    ]
    # spans name the file each statement is in
    assert crm_map.teams[1].span.file == str(tmp_path / "shared.crm")


def test_display_paths_follow_the_root_path_as_given(tmp_path: Path, monkeypatch) -> None:
    write(
        tmp_path,
        {"maps/root.crm": 'map "M"\ninclude "sub/a.crm"\n', "maps/sub/a.crm": "team a\nteam a\n"},
    )
    monkeypatch.chdir(tmp_path)
    (d,) = crmdsl.analyze_path("maps/root.crm").diagnostics
    assert str(d.span) == "maps/sub/a.crm:2:6"


def test_escape_attempt_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"outside.crm": "team x\n", "maps/root.crm": 'map "M"\ninclude "../outside.crm"\n'},
    )
    analysis = crmdsl.analyze_path(tmp_path / "maps/root.crm")
    assert [(d.kind, d.span.line) for d in analysis.diagnostics] == [("include-outside-root", 2)]
    assert analysis.map.teams == []
    assert str(tmp_path / "outside.crm") not in analysis.sources


def test_escape_from_a_fragment_is_measured_from_the_root(tmp_path: Path) -> None:
    # a fragment in a subfolder may climb back to the root's folder, not above it
    write(
        tmp_path,
        {
            "maps/root.crm": 'map "M"\ninclude "sub/a.crm"\n',
            "maps/sub/a.crm": 'include "../b.crm"\ninclude "../../c.crm"\n',
            "maps/b.crm": "team b\n",
            "c.crm": "team c\n",
        },
    )
    analysis = crmdsl.analyze_path(tmp_path / "maps/root.crm")
    assert [(d.kind, d.span.file, d.span.line) for d in analysis.diagnostics] == [
        ("include-outside-root", str(tmp_path / "maps/sub/a.crm"), 2)
    ]
    assert [t.id for t in analysis.map.teams] == ["b"]


def test_cycle_through_the_root(tmp_path: Path) -> None:
    write(tmp_path, {"root.crm": 'map "M"\ninclude "a.crm"\n', "a.crm": 'include "root.crm"\n'})
    (d,) = crmdsl.analyze_path(tmp_path / "root.crm").diagnostics
    assert d.kind == "include-cycle"
    assert d.message == "these files include each other in a circle: root.crm -> a.crm -> root.crm"


def test_a_file_that_includes_itself(tmp_path: Path) -> None:
    write(tmp_path, {"root.crm": 'map "M"\ninclude "root.crm"\n'})
    (d,) = crmdsl.analyze_path(tmp_path / "root.crm").diagnostics
    assert d.message == "these files include each other in a circle: root.crm -> root.crm"


def test_missing_include_silences_unknown_references(tmp_path: Path) -> None:
    # What the missing file declared is unknown, so references are not checked.
    write(tmp_path, {"root.crm": 'map "M"\ninclude "teams.crm"\nsystem s owner sales\n'})
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    (d,) = analysis.diagnostics
    assert d.kind == "include-missing"
    assert [n.message for n in d.notes] == ["references to what it declares are not checked"]


def test_a_file_reached_twice_is_loaded_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root.crm": 'map "M"\ninclude "teams.crm"\ninclude "systems.crm"\n',
            "systems.crm": 'include "teams.crm"\nsystem s owner sales\n',
            "teams.crm": "team sales\n",
        },
    )
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    assert analysis.diagnostics == []
    assert [t.id for t in analysis.map.teams] == ["sales"]
    assert sorted(analysis.sources) == sorted(
        str(tmp_path / n) for n in ("root.crm", "systems.crm", "teams.crm")
    )


def test_map_header_in_an_included_file(tmp_path: Path) -> None:
    write(tmp_path, {"root.crm": 'map "M"\ninclude "f.crm"\n', "f.crm": 'map "F"\nteam f\n'})
    analysis = crmdsl.analyze_path(tmp_path / "root.crm")
    assert [(d.kind, d.span.file, d.span.line, d.span.col) for d in analysis.diagnostics] == [
        ("map-in-fragment", str(tmp_path / "f.crm"), 1, 1)
    ]
    assert analysis.map.title == "M"


def test_include_in_a_string_map_is_relative_to_its_path(tmp_path: Path) -> None:
    write(tmp_path, {"teams.crm": "team sales\n"})
    text = 'map "M"\ninclude "teams.crm"\nsystem s owner sales\n'
    crm_map = crmdsl.loads(text, str(tmp_path / "virtual.crm"))
    assert crm_map.systems[0].owner.target == "sales"


def test_include_takes_only_a_path(tmp_path: Path) -> None:
    assert [d.message for d in crmdsl.analyze("include teams.crm\n", "m.crm").diagnostics] == [
        'expected a file path in quotes after `include`, as in include "systems.crm", '
        "found `teams.crm`"
    ]


# -- which maps `check` looks at -----------------------------------------------------------

SHOP = {
    "shop/shop.crm": 'map "Shop"\ninclude "teams.crm"\ninclude "systems.crm"\n',
    "shop/systems.crm": 'include "teams.crm"\nsystem s owner sales\n',
    "shop/teams.crm": "team sales\n",
    "other.crm": 'map "Other"\nteam x\n',
    "loose.crm": "system loose owner nobody\n",
}


def test_a_folder_checks_each_root_once_and_no_fragment_twice(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {k: v for k, v in SHOP.items() if k != "loose.crm"})
    monkeypatch.chdir(tmp_path)
    runs = find_maps(["."])
    assert [(r.path, r.notes, r.fragment_alone) for r in runs] == [
        ("other.crm", [], False),
        ("shop/shop.crm", [], False),
    ]
    assert sorted(runs[1].analysis.sources) == [
        "shop/shop.crm",
        "shop/systems.crm",
        "shop/teams.crm",
    ]


def test_a_fragment_is_checked_through_its_root(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, SHOP)
    monkeypatch.chdir(tmp_path)
    (run,) = find_maps(["shop/teams.crm"])
    assert run.path == "shop/shop.crm"
    assert run.notes == ["shop/teams.crm is checked through shop/shop.crm"]
    assert not run.fragment_alone and run.analysis.diagnostics == []


def test_a_fragment_no_root_includes_is_checked_alone(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, SHOP)
    monkeypatch.chdir(tmp_path)
    (run,) = find_maps(["loose.crm"])
    assert run.fragment_alone
    assert run.notes == [
        "loose.crm has no map header and no map under . includes it; checked alone"
    ]
    assert [d.message for d in run.analysis.diagnostics] == ["no team `nobody`"]


def test_a_root_and_its_fragment_named_together_is_one_map(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, SHOP)
    monkeypatch.chdir(tmp_path)
    runs = find_maps(["shop/teams.crm", "shop/shop.crm", "shop/systems.crm"])
    assert [r.path for r in runs] == ["shop/shop.crm"]


def test_a_folder_without_crm_files_is_a_usage_error(tmp_path: Path) -> None:
    from crmdsl.errors import UsageError

    with pytest.raises(UsageError, match="no .crm files in the folder"):
        find_maps([str(tmp_path)])
    with pytest.raises(UsageError, match="no such file or folder"):
        find_maps([str(tmp_path / "nope")])
