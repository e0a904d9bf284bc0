"""Maps inside Markdown: a page's text in, the page with its ```` ```crm ```` blocks formatted out.

Documentation shows maps in fenced code blocks whose info string is `crm`. `format_markdown`
formats each such block as a file of its own and leaves every other byte of the page as
it was. A block that does not load (an example of an error, a piece of a statement) is
left as written, even one whose only error is a tab in the indentation: showing errors
is what such blocks are for, and `crmdsl check` is the command that reports them. A
block that loads is checked like any file (the meaning check raises `FormatterBug`
rather than change what it says).

`crm_pages` finds the pages `crmdsl fmt` formats: a `.md` file named, or the pages under a
folder that hold a `crm` block.
"""

from __future__ import annotations

import re
from pathlib import Path

from crmdsl.formatter.printer import format_parsed
from crmdsl.language.build.statements import build_file
from crmdsl.language.parse import parse_source
from crmdsl.language.source import SourceText
from crmdsl.language.workspace import FileFilter, walk

__all__ = ["crm_blocks", "crm_pages", "format_markdown", "has_crm_blocks", "has_crm_files"]

#: How much of a page is read to see whether it holds a `crm` block.
_PAGE_LIMIT = 4 * 1024 * 1024
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*crm(?:[ \t].*)?$")


def has_crm_blocks(text: str) -> bool:
    """Whether a Markdown page has a fenced block of `crm` (a cheap look)."""
    return bool(crm_blocks(text.replace("\r\n", "\n").split("\n")))


def crm_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """The `crm` blocks of a page: (first content line, end line exclusive, indentation).

    Line numbers count from 0. A fence that is never closed opens no block here (it is
    left as written).
    """
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        opened = _OPEN.match(lines[i])
        if opened is None:
            i = _skip_other_fence(lines, i)
            continue
        fence, indent = opened["fence"], opened["indent"]
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        if end is None:
            break
        found.append((i + 1, end, indent))
        i = end + 1
    return found


def _skip_other_fence(lines: list[str], i: int) -> int:
    """The line after a fenced block of another language starting at `i` (or `i + 1`)."""
    other = re.match(r"^ {0,3}(`{3,}|~{3,})", lines[i])
    if other is None:
        return i + 1
    fence = other[1]
    close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    return next((j + 1 for j in range(i + 1, len(lines)) if close.match(lines[j])), len(lines))


def format_markdown(text: str, path: str = "<markdown>") -> str:
    """The page with every `crm` block that loads in the canonical layout."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    done = 0
    for first, end, indent in crm_blocks(lines):
        out.extend(lines[done:first])
        out.extend(_format_block(lines[first:end], indent, f"{path}:{first + 1}"))
        done = end
    out.extend(lines[done:])
    return newline.join(out)


def _format_block(body: list[str], indent: str, name: str) -> list[str]:
    """A block's lines formatted, or as they were when the block does not load."""
    if not any(line.strip() for line in body):
        return body
    if any(line.strip() and not line.startswith(indent) for line in body):
        return body
    source = SourceText.from_text("\n".join(line[len(indent) :] for line in body) + "\n", name)
    parsed = parse_source(source)
    built = build_file(parsed)
    if built.diagnostics:  # even a tab: an example of an error shows the error
        return body
    pretty = format_parsed(parsed, built)
    return [indent + line if line else line for line in pretty.rstrip("\n").split("\n")]


def crm_pages(path: str, filters: FileFilter | None = None) -> list[str]:
    """The Markdown pages a path names for formatting.

    A `.md` file named is taken as it is; a folder gives the pages under it that hold a
    `crm` block (walked as `.crm` files are, with the same filters); anything else none.
    """
    here = Path(path)
    if here.is_dir():
        quiet = FileFilter(filters.exclude, filters.gitignore) if filters else FileFilter()
        return [_shown(p) for p in walk(here, ".md", quiet) if _has_blocks(p)]
    return [path] if path.endswith(".md") and here.exists() else []


def has_crm_files(folder: str, filters: FileFilter | None = None) -> bool:
    """Whether a folder holds `.crm` files (as the walk of `crmdsl fmt` finds them)."""
    quiet = FileFilter(filters.exclude, filters.gitignore) if filters else FileFilter()
    return bool(walk(Path(folder), ".crm", quiet))


def _has_blocks(page: Path) -> bool:
    try:
        with page.open("rb") as handle:
            head = handle.read(_PAGE_LIMIT)
    except OSError:
        return False
    return has_crm_blocks(head.decode("utf-8", errors="replace"))


def _shown(p: Path) -> str:
    text = str(p)
    return text[2:] if text.startswith("./") else text
