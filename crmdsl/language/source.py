"""Source text: bytes in, decoded text and its lines out.

A `.crm` file is UTF-8, may start with a BOM and may end its lines with LF, CRLF or a
lone CR (old Mac); the BOM and the line ending are remembered so that the formatter can
keep them. Columns count code points from 1.

Only a regular file is read, and only up to a size limit: a folder, a FIFO, a device
or a socket is an `io` diagnostic ("not a regular file") without ever blocking on it,
and so is a file larger than the limit. Bytes that are not text (NUL bytes, or bytes that
are not UTF-8, in bulk) are an `io` diagnostic too ("not a text file"); a text file with
a few bytes that are not UTF-8 gets a `syntax` diagnostic at the first one.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.errors import Diagnostic, Span

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "SourceText",
    "decode",
    "non_scalar",
    "read_lossy",
    "read_regular",
    "read_source",
    "size_words",
]

#: Files larger than this many bytes are not read (`max-file-size` in the config).
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
#: Shares of bytes that are NUL, or not UTF-8, above which a file is taken for binary
#: (a stray one is a `syntax` error at its place, as in a text).
_NUL_SHARE = 0.01
_BINARY_SHARE = 0.1


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
        newline = _newline_of(text)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        final = text.endswith("\n") or text == ""
        return cls(path, text, bom, newline, final, text.split("\n"))


def _newline_of(text: str) -> str:
    """CRLF if any line ends so; CR if lines end only with a lone CR; LF otherwise."""
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def decode(data: bytes, path: str) -> tuple[SourceText | None, Diagnostic | None]:
    """Decode bytes as UTF-8; binary data is an `io` diagnostic, a stray byte a `syntax` one."""
    nuls = data.count(b"\x00")
    if nuls > max(1, len(data) * _NUL_SHARE):
        return None, _not_text(path, f"it holds {nuls} NUL bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        lossy = data.decode("utf-8", errors="replace")
        n_bad = lossy.count("\ufffd") - data.count("\ufffd".encode())
        if n_bad > max(8, _BINARY_SHARE * len(data)):
            return None, _not_text(path, f"{n_bad} of its {len(data)} bytes are not UTF-8")
        before = SourceText.from_text(data[: exc.start].decode("utf-8", errors="replace"))
        line, col = len(before.lines), len(before.lines[-1]) + 1
        bad = data[exc.start : exc.start + 1].hex()
        diag = Diagnostic(
            "syntax",
            f"the file is not UTF-8 text: byte 0x{bad} at line {line} cannot be read",
            Span(path, line, col, line, col + 1),
            hint="save the file as UTF-8",
        )
        return None, diag
    return SourceText.from_text(text, path), None


def _not_text(path: str, why: str) -> Diagnostic:
    return Diagnostic("io", f"{path} is not a text file: {why}", None)


def size_words(size: int) -> str:
    """`16 MB`, `512 KB`, `300 bytes`."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def read_regular(path: Path, name: str, max_bytes: int) -> bytes | Diagnostic:
    """The bytes of a regular file no larger than `max_bytes`, or an `io` diagnostic.

    The file is opened without blocking (a FIFO with no writer opens at once) and its
    kind and size are checked on the open file before anything is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return Diagnostic("io", f"no such file: {name}", None)
    except IsADirectoryError:
        return Diagnostic("io", f"{name} is a folder, not a .crm file", None)
    except (OSError, ValueError) as exc:
        return Diagnostic("io", f"cannot read {name}: {_reason(exc)}", None)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return Diagnostic("io", f"{name} is a folder, not a .crm file", None)
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic("io", f"{name} is not a regular file ({_kind(info.st_mode)})", None)
        if info.st_size > max_bytes:
            return _too_large(name, info.st_size, max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Diagnostic("io", f"cannot read {name}: {_reason(exc)}", None)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew while being read
        return _too_large(name, len(data), max_bytes)
    return data


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((words for test, words in _KINDS if test(mode)), "not a file")


def _too_large(name: str, size: int, limit: int) -> Diagnostic:
    return Diagnostic(
        "io",
        f"{name} is {size_words(size)}, larger than the limit of {size_words(limit)}"
        " (`max-file-size` in the config raises it)",
        None,
    )


def read_source(
    path: Path, shown: str | None = None, max_bytes: int = DEFAULT_MAX_FILE_SIZE
) -> tuple[SourceText | None, Diagnostic | None]:
    """Read and decode a regular file; what cannot be read gives an `io` diagnostic."""
    name = shown if shown is not None else str(path)
    data = read_regular(path, name, max_bytes)
    if isinstance(data, Diagnostic):
        return None, data
    return decode(data, name)


def read_lossy(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> SourceText:
    """A file decoded with U+FFFD for bytes that are not UTF-8 (to show the lines of an error)."""
    data = read_regular(path, shown, max_bytes)
    raw = data if isinstance(data, bytes) else b""
    return SourceText.from_text(raw.decode("utf-8", errors="replace"), shown)


_NON_SCALAR = re.compile("[\ud800-\udfff]")


def non_scalar(source: SourceText) -> tuple[SourceText, list[Diagnostic]]:
    """Text that holds lone surrogates (not Unicode characters, so not writable as UTF-8).

    Out: the text with each one as U+FFFD, and a `syntax` diagnostic at the first one of
    each line. Text without any comes back as it was, with no diagnostic.
    """
    if _NON_SCALAR.search(source.text) is None:
        return source, []
    diags = []
    for number, line in enumerate(source.lines, start=1):
        found = _NON_SCALAR.search(line)
        if found is not None:
            col = found.start() + 1
            diags.append(
                Diagnostic(
                    "syntax",
                    f"U+{ord(found.group()):04X} is not a Unicode character (a lone surrogate)",
                    Span(source.path, number, col, number, col + 1),
                    hint="text must be Unicode characters, as in a UTF-8 file",
                )
            )
    clean = _NON_SCALAR.sub("\ufffd", source.text)
    lines = [_NON_SCALAR.sub("\ufffd", line) for line in source.lines]
    fixed = SourceText(source.path, clean, source.bom, source.newline, source.final_newline, lines)
    return fixed, diags
