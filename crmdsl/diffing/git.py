"""Maps as they were at a git revision: a revision and a path in, an `Analysis` out.

`analyze_at(rev, path)` reads the map's root with `git show REV:path`, then every file
its includes name, at that revision, into a private temporary folder (never the work
tree), loads it there and names the files as in the work tree. `analyze_overlay(root,
texts)` loads the work tree's map with some files' texts replaced (what git's external
diff driver hands over). Outside a git repository, or for a revision git does not know,
a `UsageError` says so.

Loading happens with the temporary folder as the current directory, so that file names
read as they do in the work tree; the directory is restored afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from crmdsl.errors import UsageError
from crmdsl.language.loader import Analysis, analyze_path

__all__ = [
    "analyze_at",
    "analyze_overlay",
    "git_top",
    "is_revision",
    "list_roots_at",
    "resolve_revision",
]

_INCLUDE = re.compile(r'^[ \t]*include[ \t]+"((?:[^"\\\n]|\\.)*)"', re.MULTILINE)


def _git(args: list[str], cwd: str | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], capture_output=True, cwd=cwd, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed (it is needed to read a revision)") from None


def git_top() -> Path:
    """The top folder of the git work tree holding the current directory."""
    done = _git(["rev-parse", "--show-toplevel"])
    if done.returncode != 0:
        raise UsageError("not inside a git repository: compare two files (crmdsl diff OLD NEW)")
    return Path(done.stdout.decode().strip()).resolve()


def resolve_revision(rev: str) -> str:
    """The commit a revision names; a `UsageError` when git knows no such revision."""
    git_top()
    if rev.startswith("-"):
        raise UsageError(f"unknown revision `{rev}`")
    done = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
    if done.returncode != 0:
        raise UsageError(f"unknown revision `{rev}` (git knows no such commit, branch or tag)")
    return done.stdout.decode().strip()


def is_revision(text: str) -> bool:
    """True when `text` names a commit in the current repository."""
    try:
        resolve_revision(text)
    except UsageError:
        return False
    return True


def _included(rel: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    folder = os.path.dirname(rel)
    return [os.path.normpath(os.path.join(folder, m.group(1))) for m in _INCLUDE.finditer(text)]


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def _load_copy(path: str, read: Callable[[str], bytes | None]) -> Analysis | None:
    """Copy the map at `path` (and its includes) through `read` into a temporary folder.

    `read` takes a path relative to the top of the work tree. Returns None when the
    root itself cannot be read.
    """
    top = git_top()
    cwd_rel = Path(os.getcwd()).resolve().relative_to(top)
    if not Path(path).resolve().is_relative_to(top):
        raise UsageError(f"{path} is outside the git repository ({top})")
    root_rel = os.path.relpath(Path(path).resolve(), top)
    with tempfile.TemporaryDirectory(prefix="crmdsl-diff-") as tmp:
        base = Path(tmp)
        todo, seen = [root_rel], set()
        while todo:
            rel = todo.pop()
            if rel in seen or rel.startswith(".."):
                continue
            seen.add(rel)
            data = read(rel)
            if data is None:
                if rel == root_rel:
                    return None
                continue
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            todo += _included(rel, data)
        (base / cwd_rel).mkdir(parents=True, exist_ok=True)
        with _inside(base / cwd_rel):
            return analyze_path(path)


def analyze_at(rev: str, path: str) -> Analysis | None:
    """The map at `path` as it was at revision `rev`; None when the file did not exist."""
    commit = resolve_revision(rev)
    top = str(git_top())

    def read(rel: str) -> bytes | None:
        done = _git(["show", f"{commit}:{Path(rel).as_posix()}"], cwd=top)
        return done.stdout if done.returncode == 0 else None

    return _load_copy(path, read)


def analyze_overlay(path: str, texts: Mapping[str, bytes | None]) -> Analysis | None:
    """The work tree's map at `path` with some files (paths as given) replaced by `texts`.

    A file mapped to None is left out, as if deleted.
    """
    top = git_top()
    replaced = {os.path.relpath(Path(p).resolve(), top): data for p, data in texts.items()}

    def read(rel: str) -> bytes | None:
        if rel in replaced:
            return replaced[rel]
        try:
            return (top / rel).read_bytes()
        except OSError:
            return None

    return _load_copy(path, read)


def list_roots_at(rev: str, folder: str) -> list[str]:
    """The `.crm` files under `folder` at `rev` that have a `map` header (paths as given)."""
    from crmdsl.language.workspace import is_root_text

    commit = resolve_revision(rev)
    top = git_top()
    done = _git(["ls-tree", "-r", "--name-only", "-z", commit, "--", "."], cwd=folder)
    found: list[str] = []
    for name in done.stdout.decode("utf-8", errors="replace").split("\0"):
        if not name.endswith(".crm") or any(p.startswith(".") for p in Path(name).parts[:-1]):
            continue
        rel = os.path.relpath((Path(folder) / name).resolve(), top)
        data = _git(["show", f"{commit}:{Path(rel).as_posix()}"], cwd=str(top)).stdout
        if is_root_text(data.decode("utf-8", errors="replace")):
            found.append(os.path.normpath(os.path.join(folder, name)))
    return sorted(found)
