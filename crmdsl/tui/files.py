"""The editor's files: bytes on disk in, the text an editor shows out, and back, atomically.

`read_buffer(path)` decodes a map file into a `Buffer` (text without BOM, LF line
endings, and how the file wrote them); `save_buffer(buffer, text)` writes text back the
way the file had it (BOM, CRLF, permissions) through a temporary file and a rename, so
that a file is never half-written. Recovery copies (`.NAME.recovery` beside the file)
hold unsaved text after a crash; `recovery_path`, `write_recovery`, `read_recovery` and
`drop_recovery` manage them. Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import crmdsl

__all__ = [
    "Buffer",
    "FileProblem",
    "drop_recovery",
    "read_buffer",
    "read_recovery",
    "recovery_path",
    "save_buffer",
    "write_recovery",
]


class FileProblem(crmdsl.CrmdslError):
    """A file could not be read or written; the message says which and why."""


@dataclass(slots=True)
class Buffer:
    """One file as the editor holds it: where it is and how its bytes were written."""

    path: Path
    text: str
    bom: bool = False
    newline: str = "\n"

    def encode(self, text: str) -> bytes:
        """`text` (as the editor shows it) in the file's own BOM and line endings."""
        body = text.replace("\n", self.newline) if self.newline != "\n" else text
        return (b"\xef\xbb\xbf" if self.bom else b"") + body.encode("utf-8")


def read_buffer(path: Path) -> Buffer:
    """Read a map file; raise `FileProblem` when it cannot be read or is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 first"
        ) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    return Buffer(path, text.replace("\r\n", "\n"), bom, newline)


def save_buffer(buffer: Buffer, text: str) -> None:
    """Write `text` to the buffer's file atomically, keeping BOM, line endings and mode.

    Through `crmdsl.write_atomic`: a reader (or a crash) sees the old file or the new
    one, never half of it; a symbolic link stays a link, hard links stay linked.
    """
    try:
        crmdsl.write_atomic(buffer.path, buffer.encode(text))
    except OSError as exc:
        raise FileProblem(f"cannot save {buffer.path}: {exc.strerror or exc}") from None
    buffer.text = text


def recovery_path(path: Path) -> Path:
    """Where the recovery copy of `path` lives: `.NAME.recovery` in the same folder."""
    return path.with_name(f".{path.name}.recovery")


def write_recovery(path: Path, text: str) -> Path | None:
    """Write unsaved text beside the file; return where, or None when it cannot be written."""
    target = recovery_path(path)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return target


def read_recovery(path: Path) -> str | None:
    """The recovery copy of `path`, when there is one that differs from the file."""
    target = recovery_path(path)
    try:
        saved = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        current = read_buffer(path).text
    except FileProblem:
        current = None
    return None if saved == current else saved


def drop_recovery(path: Path) -> None:
    """Remove the recovery copy of `path`, if any."""
    with contextlib.suppress(OSError):
        recovery_path(path).unlink()
