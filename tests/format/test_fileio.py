"""Safe writes (`crmdsl.fileio.write_atomic`) and `crmdsl fmt` on links: symbolic links are
written through to their file, hard links stay linked, and the temporary files of a
write that was killed are cleaned up by the next write of that file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmdsl.cli.app import app
from crmdsl.fileio import STALE_AFTER, stale_temp_files, write_atomic

UGLY = 'team a "A"\n  description   "x"\n'
PRETTY = 'team a "A"\n  description "x"\n'


def test_a_new_file_is_written_with_ordinary_permissions(tmp_path: Path) -> None:
    f = tmp_path / "m.crm"
    write_atomic(f, "team a\n")
    assert f.read_text() == "team a\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["m.crm"]


def test_the_permissions_of_a_file_are_kept(tmp_path: Path) -> None:
    f = tmp_path / "m.crm"
    f.write_text("old\n")
    f.chmod(0o600)
    write_atomic(f, b"new\n")
    assert f.read_bytes() == b"new\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "maps").mkdir()
    target = tmp_path / "maps" / "real.crm"
    target.write_text("old\n")
    link = tmp_path / "link.crm"
    link.symlink_to(os.path.join("maps", "real.crm"))
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("maps", "real.crm")
    assert target.read_text() == "new\n"
    assert sorted(os.listdir(tmp_path)) == ["link.crm", "maps"]
    assert os.listdir(tmp_path / "maps") == ["real.crm"]


def test_a_chain_of_symbolic_links_reaches_the_file(tmp_path: Path) -> None:
    target = tmp_path / "real.crm"
    target.write_text("old\n")
    (tmp_path / "one.crm").symlink_to(target)
    (tmp_path / "two.crm").symlink_to(tmp_path / "one.crm")
    write_atomic(tmp_path / "two.crm", "new\n")
    assert target.read_text() == "new\n"
    assert (tmp_path / "one.crm").is_symlink() and (tmp_path / "two.crm").is_symlink()


def test_hard_links_stay_linked(tmp_path: Path) -> None:
    first = tmp_path / "a.crm"
    first.write_text("old text, longer than the new one\n")
    second = tmp_path / "b.crm"
    os.link(first, second)
    write_atomic(second, "new\n")
    assert first.read_text() == "new\n" and second.read_text() == "new\n"
    assert first.stat().st_ino == second.stat().st_ino
    assert first.stat().st_nlink == 2
    assert sorted(os.listdir(tmp_path)) == ["a.crm", "b.crm"]


def test_a_failed_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "m.crm"
    f.write_text("old\n")

    def killed(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(OSError):
        write_atomic(f, "new\n")
    assert f.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["m.crm"]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_stale_temporary_files_of_the_file_are_removed_on_its_next_write(tmp_path: Path) -> None:
    f = tmp_path / "m.crm"
    f.write_text("old\n")
    stale = tmp_path / ".m.crm.k3x_9q0z.tmp"
    fresh = tmp_path / ".m.crm.a1b2c3d4.tmp"
    other_file = tmp_path / ".n.crm.k3x_9q0z.tmp"
    not_ours = tmp_path / ".m.crm.notours.tmp"
    backup = tmp_path / ".m.crm.k3x_9q0z.bak"
    for p in (stale, fresh, other_file, not_ours, backup):
        p.write_text("half a file")
    for p in (stale, other_file, not_ours, backup):
        _age(p, STALE_AFTER + 5)
    assert stale_temp_files(f) == [stale]
    write_atomic(f, "new\n")
    assert f.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (f, fresh, other_file, not_ours, backup)
    )


def test_the_temporary_file_of_a_killed_writer_is_removed_at_once(tmp_path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / f".m.crm.{child.stdout.strip()}.k3x_9q0z.tmp"
    running = tmp_path / f".m.crm.{os.getpid()}.a1b2c3d4.tmp"
    for p in (dead, running):
        p.write_text("half a file")
    write_atomic(tmp_path / "m.crm", "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["m.crm", running.name])


def test_temporary_files_name_their_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(os.path.basename(src))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(tmp_path / "m.crm", "x\n")
    assert re.fullmatch(rf"\.m\.crm\.{os.getpid()}\.[a-z0-9_]{{8}}\.tmp", seen[0])


def test_a_stale_temporary_file_that_is_a_link_is_left_alone(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    planted = tmp_path / ".m.crm.abcdefgh.tmp"
    planted.symlink_to(victim)
    write_atomic(tmp_path / "m.crm", "new\n")
    assert planted.is_symlink() and victim.read_text() == "keep me"


def test_fmt_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "real.crm"
    target.write_text(UGLY)
    link = tmp_path / "link.crm"
    link.symlink_to("real.crm")
    result = CliRunner().invoke(app, ["fmt", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert target.read_text() == PRETTY


def test_fmt_keeps_hard_links(tmp_path: Path) -> None:
    first = tmp_path / "a.crm"
    first.write_text(UGLY)
    os.link(first, tmp_path / "b.txt")
    result = CliRunner().invoke(app, ["fmt", str(first)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.txt").read_text() == PRETTY
    assert first.stat().st_nlink == 2


def test_a_failed_write_of_a_hard_linked_file_puts_the_old_text_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmdsl.fileio as fileio

    first = tmp_path / "a.crm"
    first.write_text("old\n")
    os.link(first, tmp_path / "b.crm")
    real = fileio._overwrite
    calls: list[bytes] = []

    def failing(target: Path, data: bytes) -> None:
        calls.append(data)
        if len(calls) == 1:
            real(target, data[:2])  # half written, then the disk is full
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(fileio, "_overwrite", failing)
    with pytest.raises(OSError):
        write_atomic(first, "new text\n")
    assert (tmp_path / "b.crm").read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["a.crm", "b.crm"]
