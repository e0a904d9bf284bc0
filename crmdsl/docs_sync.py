"""Keep Mermaid diagrams in Markdown pages current: the core of `crmdsl docs`.

In: Markdown pages (or folders of them) holding blocks such as

    <!-- crmdsl:begin view=process id=lead_to_cash map=../maps/acme.crm -->
    ...whatever was generated last time...
    <!-- crmdsl:end -->

Out: `SyncResult` with, per page, the blocks whose content is not the current diagram
(a fenced ```mermaid block drawn from the map) and the page's new text. `sync` writes
the pages that changed (atomically, never touching an unchanged page) unless asked only
to check. Text outside the markers stays byte for byte, CRLF pages stay CRLF, a BOM
stays. A marker line is the marker alone on its line; markers inside fenced code blocks
are text, not markers (so a page can show the syntax).

Marker keys: `view` (required), `map` (required; relative to the page), `id`,
`mermaid-version` and `state` (`as-is`, `to-be` or `both`, the default). Values are
bare words or "double-quoted" strings. A bad marker (unknown view or key, missing map,
unclosed begin, nested begin, end without begin, a map with load errors, an unknown id)
is a `MarkerError` carrying file and line; every bad marker of every page is reported in
one run, and a page with one is not written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmdsl.errors import CrmdslError
from crmdsl.fileio import write_atomic
from crmdsl.language.loader import analyze_path
from crmdsl.language.source import DEFAULT_MAX_FILE_SIZE, read_regular
from crmdsl.language.workspace import FileFilter, covered, walk
from crmdsl.model import CrmMap

__all__ = [
    "MARKER_KEYS",
    "Block",
    "MarkerError",
    "PageResult",
    "SyncResult",
    "find_pages",
    "sync",
    "sync_page",
    "sync_text",
]

MARKER_KEYS = ("view", "id", "map", "mermaid-version", "state")

_BEGIN = re.compile(r"^\s*<!--\s*crmdsl:begin(?P<args>(?:\s[^>]*)?)-->\s*$")
_END = re.compile(r"^\s*<!--\s*crmdsl:end\s*-->\s*$")
_LOOSE = re.compile(r"^\s*<!--\s*crmdsl:(?P<word>\S*)")
_ARG = re.compile(r'\s*(?P<key>[A-Za-z_-]+)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"]+))')
_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")


class MarkerError(CrmdslError):
    """A bad crmdsl marker in a page: the message starts with `file:line:`."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.reason = message


@dataclass(slots=True)
class Block:
    """One marked block: where it begins, what it asks for, what it holds and should."""

    page: str
    line: int
    view: str
    id: str | None
    map: str
    old: str
    new: str

    @property
    def stale(self) -> bool:
        """Whether the block's content differs from the current diagram."""
        return self.old != self.new

    @property
    def what(self) -> str:
        """`process view of lead_to_cash`."""
        return f"{self.view} view" + (f" of {self.id}" if self.id else "")


@dataclass(slots=True)
class PageResult:
    """A page: its blocks, its text now and as it should be."""

    path: str
    blocks: list[Block] = field(default_factory=list)
    old_text: str = ""
    new_text: str = ""
    errors: list[MarkerError] = field(default_factory=list)

    @property
    def stale(self) -> list[Block]:
        """The blocks whose content is not current."""
        return [b for b in self.blocks if b.stale]

    def diff(self) -> str:
        """A unified diff of the page, old to new (empty when current)."""
        lines = difflib.unified_diff(
            self.old_text.splitlines(keepends=True),
            self.new_text.splitlines(keepends=True),
            f"{self.path} (in the page)",
            f"{self.path} (from the map)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(slots=True)
class SyncResult:
    """Every page looked at, the errors found, and the pages written."""

    pages: list[PageResult] = field(default_factory=list)
    errors: list[MarkerError] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[Block]:
        """Every stale block, page by page."""
        return [b for p in self.pages for b in p.stale]


def find_pages(paths: Sequence[str | Path], filters: FileFilter | None = None) -> list[Path]:
    """The pages to look at: named files, and the `.md` files under named folders.

    Raises `CrmdslError` for a path that does not exist. Folders are walked as `crmdsl
    check` walks them (hidden folders, ignored and excluded files left out).
    """
    filters = filters or FileFilter()
    pages: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if filters.force_exclude and path.exists() and covered(path, filters):
            continue
        if path.is_dir():
            pages.extend(walk(path, ".md", filters))
        elif path.is_file():
            pages.append(path)
        elif path.exists():
            raise CrmdslError(f"{raw} is not a regular file or a folder")
        else:
            raise CrmdslError(f"no such file or folder: {raw}")
    return list(dict.fromkeys(pages))


class _Maps:
    """Maps loaded once per path for a whole run."""

    def __init__(self) -> None:
        self._cache: dict[Path, CrmMap | str] = {}

    def get(self, path: Path) -> CrmMap | str:
        """The map, or why it cannot be used."""
        key = path.resolve()
        if key not in self._cache:
            if not path.is_file():
                self._cache[key] = f"map `{path}` not found"
            else:
                analysis = analyze_path(path)
                count = len(analysis.diagnostics)
                self._cache[key] = (
                    analysis.map
                    if analysis.ok
                    else f"map `{path}` has {count} load error{'s' if count != 1 else ''}; "
                    f"run `crmdsl check {path}`"
                )
        return self._cache[key]


def _parse_args(page: str, line: int, args: str) -> dict[str, str]:
    values: dict[str, str] = {}
    rest = args
    while rest.strip():
        match = _ARG.match(rest)
        if match is None:
            raise MarkerError(page, line, f"cannot read `{rest.strip()}`; write key=value")
        key = match.group("key")
        if key not in MARKER_KEYS:
            raise MarkerError(
                page, line, f"unknown key `{key}`; a marker takes {', '.join(MARKER_KEYS)}"
            )
        if key in values:
            raise MarkerError(page, line, f"`{key}` is given twice")
        quoted = match.group("quoted")
        values[key] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group("bare")
        rest = rest[match.end() :]
    for needed in ("view", "map"):
        if needed not in values:
            raise MarkerError(page, line, f"the marker needs `{needed}=`")
    return values


def _newline(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


def _diagram_block(
    page: str, line: int, values: dict[str, str], base: Path, maps: _Maps, newline: str
) -> str:
    from crmdsl.views import VIEWS, ViewError, render

    view = values["view"]
    if view not in VIEWS:
        raise MarkerError(page, line, f"unknown view `{view}`; the views are {', '.join(VIEWS)}")
    crm_map = maps.get(base / values["map"])
    if isinstance(crm_map, str):
        raise MarkerError(page, line, crm_map)
    try:
        diagram = render(
            crm_map,
            view,
            values.get("id"),
            values.get("mermaid-version"),
            values.get("state", "both"),
        )
    except ViewError as error:
        raise MarkerError(page, line, str(error)) from None
    body = f"```mermaid\n{diagram.text}```\n"
    return body.replace("\n", newline) if newline != "\n" else body


def sync_page(path: Path, maps: _Maps | None = None, label: str | None = None) -> PageResult:
    """Read a page and work out its blocks; every bad marker goes to the result's `errors`.

    A block whose marker is bad keeps its old content in `new_text`.
    """
    name = label or str(path)
    data = read_regular(path, name, DEFAULT_MAX_FILE_SIZE)
    if not isinstance(data, bytes):
        raise MarkerError(name, 1, data.message)
    return sync_text(data.decode("utf-8"), path.parent, name, maps)


def sync_text(text: str, base: Path, name: str, maps: _Maps | None = None) -> PageResult:
    """Work out the blocks of a page's text, its map paths relative to `base`."""
    maps = maps or _Maps()
    lines = text.splitlines(keepends=True)
    result = PageResult(name, old_text=text)
    out: list[str] = []
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _track_fence(line, fence)
        if fence is not None or _FENCE.match(line) or _BEGIN.match(line) is None:
            if fence is None and not _FENCE.match(line):
                _collect(result, _reject_stray, name, index + 1, line)
            out.append(line)
            index += 1
            continue
        index = _one_block(result, lines, index, base, maps, out)
    result.new_text = "".join(out)
    return result


def _collect(result: PageResult, check: Callable[..., object], *args: Any) -> object:
    """Run `check(*args)`; a `MarkerError` is kept in the page's errors (None returned)."""
    try:
        return check(*args)
    except MarkerError as error:
        result.errors.append(error)
        return None


def _one_block(
    result: PageResult, lines: list[str], index: int, base: Path, maps: _Maps, out: list[str]
) -> int:
    """Work out the block begun at `index`; add its lines to `out`; return the next index."""
    name, number, line = result.path, index + 1, lines[index]
    begin = _BEGIN.match(line)
    assert begin is not None
    end = _collect(result, _find_end, name, number, lines, index + 1)
    if not isinstance(end, int):
        out.append(line)
        return index + 1
    old = "".join(lines[index + 1 : end])
    values = _collect(result, _parse_args, name, number, begin.group("args") or "")
    new = (
        _collect(result, _diagram_block, name, number, values, base, maps, _newline(line))
        if isinstance(values, dict)
        else None
    )
    if isinstance(values, dict) and isinstance(new, str):
        result.blocks.append(
            Block(name, number, values["view"], values.get("id"), values["map"], old, new)
        )
    out.extend([line, new if isinstance(new, str) else old, lines[end]])
    return end + 1


def _track_fence(line: str, fence: str | None) -> str | None:
    """The open code fence after this line (None outside a fenced block)."""
    match = _FENCE.match(line)
    if fence is None:
        return match.group("fence") if match else None
    if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence):
        if not line.strip()[len(match.group("fence")) :].strip():
            return None
    return fence


def _reject_stray(page: str, number: int, line: str) -> None:
    if _END.match(line):
        raise MarkerError(page, number, "`crmdsl:end` without a `crmdsl:begin` before it")
    loose = _LOOSE.match(line)
    if loose and loose.group("word") not in ("begin", "end"):
        raise MarkerError(
            page, number, f"unknown marker `crmdsl:{loose.group('word')}`; use begin or end"
        )


def _find_end(page: str, number: int, lines: list[str], start: int) -> int:
    for index in range(start, len(lines)):
        if _END.match(lines[index]):
            return index
        if _BEGIN.match(lines[index]):
            raise MarkerError(
                page,
                index + 1,
                f"a `crmdsl:begin` inside the block begun on line {number}; "
                "close that one with `<!-- crmdsl:end -->` first",
            )
    raise MarkerError(page, number, "`crmdsl:begin` is never closed by `<!-- crmdsl:end -->`")


def sync(
    paths: Iterable[str | Path],
    *,
    check: bool = False,
    labels: dict[Path, str] | None = None,
    filters: FileFilter | None = None,
) -> SyncResult:
    """Bring every marked block of the pages up to date (or, with `check`, only look).

    Every bad marker of a page is reported in `errors` and the page is left alone; the
    others are still brought up to date. Only pages whose text changes are written.
    """
    result = SyncResult()
    maps = _Maps()
    for page in find_pages(list(paths), filters):
        name = (labels or {}).get(page, str(page))
        try:
            page_result = sync_page(page, maps, name)
        except MarkerError as error:
            result.errors.append(error)
            continue
        except UnicodeDecodeError:
            result.errors.append(MarkerError(name, 1, "the page is not UTF-8 text"))
            continue
        except OSError as error:
            reason = error.strerror or str(error)
            result.errors.append(MarkerError(name, 1, f"cannot read the page: {reason}"))
            continue
        if page_result.errors:
            result.errors.extend(page_result.errors)
            continue
        result.pages.append(page_result)
        if not check and page_result.new_text != page_result.old_text:
            try:
                write_atomic(page, page_result.new_text)
            except OSError as error:
                reason = error.strerror or str(error)
                result.errors.append(MarkerError(name, 1, f"cannot write the page: {reason}"))
                continue
            result.written.append(name)
    return result
