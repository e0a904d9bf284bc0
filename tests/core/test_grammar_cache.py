"""The analysed grammar is cached where only its user can write, and nowhere else.

Lark's cache is a pickle and unpickling runs code. Each test plants a pickle that would
create a marker file, then runs `crmdsl check` in a fresh process as a user would, and
looks for the marker.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crmdsl.language.grammar import cache_file_name, grammar_path

EXAMPLE = 'system crm "CRM"\n'

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership checks")


class _Planted:
    """Unpickled, it creates the folder named `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _plant(path: Path, marker: Path) -> None:
    """A Lark cache file whose first pickle runs code (Lark unpickles before checking)."""
    path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Planted(marker)))


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`crmdsl check` on a small map, in a fresh process with the given environment."""
    crm = tmp_path / "map.crm"
    crm.write_text(EXAMPLE, encoding="utf-8")
    environ = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), **env}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "crmdsl", "check", str(crm)],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        timeout=120,
    )


def _name() -> str:
    return cache_file_name(grammar_path().read_text(encoding="utf-8"))


def test_the_shared_temp_folder_is_never_read(tmp_path: Path) -> None:
    """Lark's own `cache=True` name in the temp folder is predictable: it is not used."""
    marker = tmp_path / "ran"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # Every name Lark's `cache=True` could pick for this user, whatever the hash.
    planter = (
        "import sys, tempfile, getpass\n"
        "from lark import Lark\n"
        "from crmdsl.language.grammar import grammar_path, _FastLexer, _Lines\n"
        "Lark(grammar_path().read_text(encoding='utf-8'), parser='lalr', lexer=_FastLexer,"
        " transformer=_Lines(), start='start', cache=True)\n"
    )
    subprocess.run(
        [sys.executable, "-c", planter],
        env={**os.environ, "TMPDIR": str(tmp)},
        check=True,
        timeout=120,
    )
    planted = sorted(tmp.glob(".lark_cache_*"))
    assert planted, "Lark's cache=True wrote no file to the temp folder"
    for path in planted:
        _plant(path, marker)
    result = _check(tmp_path, XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert not marker.exists()
    assert sorted(tmp.glob(".lark_cache_*")) == planted  # nothing new there either


def test_the_private_cache_is_written_0700_and_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _check(tmp_path, XDG_CACHE_HOME=str(cache))
    assert first.returncode == 1 and "Traceback" not in first.stderr, first.stderr
    folder = cache / "crmdsl"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    written = folder / _name()
    assert written.is_file()
    before = written.stat().st_mtime_ns
    second = _check(tmp_path, XDG_CACHE_HOME=str(cache))
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert written.stat().st_mtime_ns == before  # read, not written again


@pytest.mark.parametrize("how", ["open folder", "open file", "linked folder", "other owner"])
def test_a_cache_others_could_write_is_not_read(tmp_path: Path, how: str) -> None:
    marker = tmp_path / "ran"
    cache = tmp_path / "cache"
    folder = cache / "crmdsl"
    if how == "linked folder":
        real = tmp_path / "elsewhere"
        real.mkdir(mode=0o700)
        cache.mkdir()
        folder.symlink_to(real)
    else:
        folder.mkdir(parents=True, mode=0o700)
    planted = folder / _name()
    _plant(planted, marker)
    if how == "open folder":
        folder.chmod(0o777)
    elif how == "open file":
        planted.chmod(0o666)
    elif how == "other owner":
        if os.getuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(planted, 65534, 65534)
    result = _check(tmp_path, XDG_CACHE_HOME=str(cache))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert not marker.exists()


def test_the_planted_file_would_run_if_read(tmp_path: Path) -> None:
    """The planted pickle really runs code when Lark unpickles it (so the tests above can fail)."""
    marker = tmp_path / "ran"
    planted = tmp_path / "planted"
    _plant(planted, marker)
    with planted.open("rb") as stream:
        stream.readline()
        pickle.load(stream)  # noqa: S301 - the point of the test
    assert marker.exists()
