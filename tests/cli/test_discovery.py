"""Finding files like ruff: no path means `.`, .gitignore and .ignore count, exclude and
extend-exclude (config and flags), a named file is checked unless --force-exclude, a very
deep tree and an unreadable folder are walked without a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from crmdsl.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-10-01"
MAP = 'map "{title}"\nteam a "A"\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def checked(*args: str) -> list[str]:
    """The maps `crmdsl check -v` names, in order."""
    result = run("check", "-v", "--today", TODAY, "--select", "P", *args)
    assert result.exit_code in (0, 1), result.output
    return [
        line.split(" ", 2)[1] for line in result.stderr.splitlines() if line.startswith("checked ")
    ]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("a.crm", "build/gen.crm", "maps/b.crm", "maps/old/c.crm", "vendor/d.crm"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MAP.format(title=name), encoding="utf-8")
    return tmp_path


def test_no_path_means_the_current_folder(tree: Path) -> None:
    everything = ["a.crm", "build/gen.crm", "maps/b.crm", "maps/old/c.crm", "vendor/d.crm"]
    assert checked() == everything
    assert run("fmt", "--check").exit_code in (0, 1)
    assert "5 files" in run("fmt", "--check").stderr
    Path("page.md").write_text("# nothing to fill\n", encoding="utf-8")
    assert run("docs").stdout == "0 blocks in 1 page: all current.\n"


def test_gitignore_and_ignore_files_count(tree: Path) -> None:
    Path(".git").mkdir()
    Path(".gitignore").write_text("build/\nmaps/*\n!maps/b.crm\n", encoding="utf-8")
    Path("maps/.ignore").write_text("", encoding="utf-8")
    (tree / "vendor" / ".ignore").write_text("d.crm\n", encoding="utf-8")
    assert checked(".") == ["a.crm", "maps/b.crm"]
    # from a subfolder, the repository's .gitignore above it still counts
    assert checked("maps") == ["maps/b.crm"]


def test_exclude_and_extend_exclude_in_the_config(tree: Path) -> None:
    Path("crmdsl.toml").write_text('extend-exclude = ["maps/old/", "vendor"]\n', encoding="utf-8")
    assert checked() == ["a.crm", "build/gen.crm", "maps/b.crm"]
    Path("crmdsl.toml").write_text('exclude = ["build"]\n', encoding="utf-8")
    assert checked() == ["a.crm", "maps/b.crm", "maps/old/c.crm", "vendor/d.crm"]
    # --exclude replaces the config's exclude; --extend-exclude adds to it
    assert checked("--exclude", "vendor") == [
        "a.crm",
        "build/gen.crm",
        "maps/b.crm",
        "maps/old/c.crm",
    ]
    assert checked("--extend-exclude", "maps,vendor") == ["a.crm"]


def test_a_named_file_is_checked_unless_force_exclude(tree: Path) -> None:
    Path("crmdsl.toml").write_text('extend-exclude = ["vendor/"]\n', encoding="utf-8")
    assert checked("vendor/d.crm") == ["vendor/d.crm"]
    assert checked("vendor") == ["vendor/d.crm"]  # a named folder is walked
    result = run("check", "vendor/d.crm", "a.crm", "--force-exclude", "-v", "--today", TODAY)
    assert [line for line in result.stderr.splitlines() if line.startswith("checked")] == [
        "checked a.crm (a.crm; config crmdsl.toml)"
    ]
    assert (
        "would reformat 0 files, 1 file already"
        in run("fmt", "--check", "--force-exclude", "vendor/d.crm", "a.crm").stderr
    )


def test_a_bad_exclude_value_is_a_message(tree: Path) -> None:
    Path("crmdsl.toml").write_text('exclude = "vendor"\n', encoding="utf-8")
    result = run("check")
    assert result.exit_code == 2
    assert "`exclude` in crmdsl.toml must be a list of patterns" in result.stderr


def test_a_folder_970_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deep = Path("d")
    deep.mkdir()
    for _ in range(969):  # one by one: Path.mkdir(parents=True) itself recurses
        deep = deep / "d"
        deep.mkdir()
    (deep / "m.crm").write_text(MAP.format(title="deep"), encoding="utf-8")
    found = checked("d")
    assert found == [str(deep / "m.crm")], found[:1][:80]


def test_an_unreadable_folder_is_passed_by_with_a_note(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "old":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("check", "maps", "-v", "--today", TODAY, "--select", "P")
    assert result.exit_code == 0
    assert "note: skipped the folder maps/old: permission denied\n" in result.stderr
    assert "checked maps/b.crm" in result.stderr


def test_a_symlink_loop_ends(tree: Path) -> None:
    (tree / "maps" / "loop").symlink_to(tree / "maps", target_is_directory=True)
    assert checked("maps") == ["maps/b.crm", "maps/old/c.crm"]


def test_this_repository_checks_its_examples_not_its_fixtures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    maps = checked(".")
    assert maps and all(m.startswith("examples/") for m in maps), maps
