"""Source text: bytes in, decoded text and its lines out.

A `.crm` file is UTF-8, may start with a BOM and may use CRLF line endings; both are
remembered so that the formatter can keep them. Columns count code points from 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.errors import Diagnostic, Span

__all__ = ["SourceText", "decode", "read_lossy", "read_source"]


@dataclass(slots=True)
class SourceText:
    """A decoded file: `text` has no BOM and LF line endings; `lines` has no newlines."""

    path: str
    text: str
    bom: bool = False
    newline: str = "\n"
    final_newline: bool = True
    lines: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> SourceText:
        """Normalise a str the way `decode` normalises bytes."""
        bom = text.startswith("\ufeff")
        if bom:
            text = text[1:]
        newline = "\r\n" if "\r\n" in text else "\n"
        if "\r\n" in text:
            text = text.replace("\r\n", "\n")
        final = text.endswith("\n") or text == ""
        return cls(path, text, bom, newline, final, text.split("\n"))


def decode(data: bytes, path: str) -> tuple[SourceText | None, Diagnostic | None]:
    """Decode bytes as UTF-8; on failure, a diagnostic at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        bad = data[exc.start : exc.start + 1].hex()
        diag = Diagnostic(
            "syntax",
            f"the file is not UTF-8 text: byte 0x{bad} at line {line} cannot be read",
            Span(path, line, col, line, col + 1),
            hint="save the file as UTF-8",
        )
        return None, diag
    return SourceText.from_text(text, path), None


def read_source(
    path: Path, shown: str | None = None
) -> tuple[SourceText | None, Diagnostic | None]:
    """Read and decode a file; a missing or unreadable file gives an `io` diagnostic."""
    name = shown if shown is not None else str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, Diagnostic("io", f"no such file: {name}", None)
    except IsADirectoryError:
        return None, Diagnostic("io", f"{name} is a folder, not a .crm file", None)
    except OSError as exc:
        return None, Diagnostic("io", f"cannot read {name}: {exc.strerror or exc}", None)
    return decode(data, name)


def read_lossy(path: Path, shown: str) -> SourceText:
    """A file decoded with U+FFFD for bytes that are not UTF-8 (to show the lines of an error)."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    return SourceText.from_text(data.decode("utf-8", errors="replace"), shown)
