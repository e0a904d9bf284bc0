"""Writing files without losing what was there: a path and new bytes in, the file rewritten.

`write_atomic(path, data)` writes a temporary file `.NAME.PID.XXXXXXXX.tmp` beside the file,
then renames it over the file: readers see the old text or the new one, whole, and a
write killed half-way leaves the file as it was. A symbolic link is written through: the
file it points to is replaced, and the link stays a link. A file with several hard links
is rewritten in place instead (a rename would split the links): a copy of the old text is
kept as `.NAME.PID.XXXXXXXX.bak` until the new text is on disk, so that a crash half-way
leaves the old text to restore. Temporary files of this pattern left by a write that was
killed are removed on the next write of the same file: at once when the process that
wrote it (PID) is gone, else once they are a minute old.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_AFTER", "stale_temp_files", "write_atomic"]

#: Seconds after which a temporary file of an unfinished write is stale (no writer left).
STALE_AFTER = 60.0
#: The random part `tempfile.mkstemp` puts in a name.
_RANDOM = "[a-z0-9_]{8}"
#: A temporary file's name after `.NAME.`: the writer's process id (older versions wrote
#: none), the random part, `.tmp`.
_TAIL = re.compile(r"(?:(\d+)\.)?" + _RANDOM + r"\.tmp\Z")


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write `text` to `path` so that the file is never seen half-written.

    Follows a symbolic link to the file it names; keeps the old file's permission bits
    (0644 for a new file) and its hard links.
    """
    target = _through_links(Path(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = target.parent if str(target.parent) else Path(".")
    for stale in stale_temp_files(target):
        try:
            stale.unlink()
        except OSError:
            pass
    try:
        status: os.stat_result | None = target.stat()
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
        _rewrite_in_place(target, folder, data)
    else:
        _replace(target, folder, data, status)


def stale_temp_files(target: Path, now: float | None = None) -> list[Path]:
    """Temporary files `.NAME.PID.XXXXXXXX.tmp` of unfinished writes of `target`.

    Stale: the process that wrote it is gone, or it is older than `STALE_AFTER`. Only
    regular files owned by this user and named exactly so are listed.
    """
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f".{target.name}."
    limit = (time.time() if now is None else now) - STALE_AFTER
    found: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in sorted(names):
        tail = _TAIL.match(name[len(prefix) :]) if name.startswith(prefix) else None
        if tail is None:
            continue
        path = folder / name
        try:
            info = path.lstat()
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        gone = tail[1] is not None and not _alive(int(tail[1]))
        if stat.S_ISREG(info.st_mode) and mine and (gone or info.st_mtime < limit):
            found.append(path)
    return found


def _alive(pid: int) -> bool:
    """Whether a process of this machine has this id (this process counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or an id no process has
        return True
    return True


def _through_links(path: Path) -> Path:
    """The file a path names once symbolic links are followed (the path itself otherwise)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _write_new(folder: Path, name: str, suffix: str, data: bytes) -> str:
    """A new file `.NAME.PID.XXXXXXXX<suffix>` in `folder` holding `data`, synced to disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _replace(target: Path, folder: Path, data: bytes, status: os.stat_result | None) -> None:
    tmp = _write_new(folder, target.name, ".tmp", data)
    try:
        os.chmod(tmp, status.st_mode & 0o7777 if status is not None else 0o644)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


def _rewrite_in_place(target: Path, folder: Path, data: bytes) -> None:
    """Rewrite a hard-linked file in place, with the old text kept aside until it is done."""
    old = target.read_bytes()
    backup = _write_new(folder, target.name, ".bak", old)
    try:
        _overwrite(target, data)
    except BaseException:
        _overwrite(target, old)  # should this fail too, the backup file keeps the old text
        _remove(backup)
        raise
    _remove(backup)


def _overwrite(target: Path, data: bytes) -> None:
    with open(target, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
