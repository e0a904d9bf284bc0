"""What the loader reads, and what it refuses: the inputs that once hung or crashed it.

Each test reproduces an input from the fuzzing and hostile-file-system report: a FIFO
named on the command line or included, `/dev/zero`, a file over the size limit, a binary
file, an include path with a NUL or a lone surrogate, text with a lone surrogate, CR-only
line endings, 100,000 bad lines. Every one gives load errors (exit 2 from the CLI),
never a hang and never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import crmdsl
from crmdsl.errors import render_diagnostic
from crmdsl.language.limits import Limits, limits_for, parse_size
from crmdsl.model import to_json

from .clirun import REPO, cli

MAP = 'map "M"\n  owner t\nteam t "T"\n'
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def kinds(analysis: crmdsl.Analysis) -> list[tuple[str, str]]:
    return [(d.kind, d.message) for d in analysis.diagnostics]


@needs_fifo
def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.crm")
    shown = str(tmp_path / "pipe.crm")
    assert kinds(crmdsl.analyze_path(shown)) == [
        ("io", f"{shown} is not a regular file (a named pipe)")
    ]


@needs_fifo
def test_an_included_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.crm")
    (d,) = crmdsl.analyze(MAP + 'include "pipe.crm"\n', str(tmp_path / "m.crm")).diagnostics
    assert (d.kind, d.span.line if d.span else 0) == ("include-missing", 4)
    pipe = tmp_path / "pipe.crm"
    assert d.message == f"cannot include `pipe.crm`: {pipe} is not a regular file (a named pipe)"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_not_read() -> None:
    assert kinds(crmdsl.analyze_path("/dev/zero")) == [
        ("io", "/dev/zero is not a regular file (a device)")
    ]


@needs_fifo
@pytest.mark.parametrize("command", [["check"], ["fmt"], ["fmt", "--check"], ["export", "json"]])
def test_commands_refuse_a_fifo_and_dev_zero(tmp_path: Path, command: list[str]) -> None:
    os.mkfifo(tmp_path / "pipe.crm")
    for path, what in (("pipe.crm", "a named pipe"), ("/dev/zero", "a device")):
        done = cli(tmp_path, *command, path)
        assert done.returncode == 2, done
        assert f"{path} is not a regular file ({what})" in done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.crm"
    path.write_text(MAP + "# " + "x" * 2000 + "\n", encoding="utf-8")
    analysis = crmdsl.analyze_path(path, limits=Limits(max_file_size=1024))
    assert kinds(analysis) == [
        (
            "io",
            f"{path} is 2 KB, larger than the limit of 1 KB"
            " (`max-file-size` in the config raises it)",
        )
    ]
    assert crmdsl.analyze_path(path).diagnostics == []


def test_the_size_limit_comes_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "crmdsl.toml").write_text('max-file-size = "1 KB"\nmax-errors = 3\n')
    path = tmp_path / "big.crm"
    path.write_text(MAP + "# " + "x" * 2000 + "\n", encoding="utf-8")
    assert limits_for(path) == Limits(max_file_size=1024, max_errors=3)
    assert [d.kind for d in crmdsl.analyze_path(path).diagnostics] == ["io"]
    done = cli(tmp_path, "check", "big.crm")
    assert done.returncode == 2
    assert "big.crm is 2 KB, larger than the limit of 1 KB" in done.stdout + done.stderr


def test_an_included_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "part.crm").write_text("# " + "x" * 2000 + "\n", encoding="utf-8")
    root = str(tmp_path / "m.crm")
    limits = Limits(max_file_size=1024)
    (d,) = crmdsl.analyze(MAP + 'include "part.crm"\n', root, limits=limits).diagnostics
    assert d.kind == "include-missing"
    assert "part.crm is 2 KB, larger than the limit of 1 KB" in d.message


@pytest.mark.parametrize(
    ("value", "size"),
    [(1000, 1000), ("64 MB", 64 << 20), ("512kb", 512 << 10), ("2G", 2 << 30), ("7", 7)],
)
def test_sizes_in_the_config(value: object, size: int) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", [0, -1, True, "lots", "1 TB", 1.5, None])
def test_what_is_not_a_size(value: object) -> None:
    assert parse_size(value) is None


def test_a_size_that_is_not_a_size_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "crmdsl.toml").write_text('max-file-size = "lots"\n')
    (tmp_path / "m.crm").write_text(MAP, encoding="utf-8")
    done = cli(tmp_path, "check", "m.crm")
    assert done.returncode == 2
    assert "bad value for `max-file-size`" in done.stderr, done
    assert 'a size such as "64 mb"' in done.stderr, done


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + bytes(range(256)) * 4, "it holds 68 NUL bytes"),
        ("team t".encode("utf-16"), "it holds 6 NUL bytes"),
        (bytes(range(128, 256)) * 8, "1024 of its 1024 bytes are not UTF-8"),
    ],
    ids=["png", "utf-16", "latin-1-junk"],
)
def test_a_binary_file_is_not_a_text_file(tmp_path: Path, data: bytes, why: str) -> None:
    path = tmp_path / "logo.crm"
    path.write_bytes(data)
    analysis = crmdsl.analyze_path(path)
    assert kinds(analysis) == [("io", f"{path} is not a text file: {why}")]
    shown = render_diagnostic(analysis.diagnostics[0], analysis.lines_of())
    assert "\ufffd" not in shown and len(shown.splitlines()) == 1


def test_a_stray_byte_in_a_text_file_is_shown_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "m.crm"
    path.write_bytes(MAP.encode() + b'team caf\xe9 "Caf\xe9"\n')
    (d,) = crmdsl.analyze_path(path).diagnostics
    assert (d.kind, d.span and (d.span.line, d.span.col)) == ("syntax", (4, 9))
    assert d.message == "the file is not UTF-8 text: byte 0xe9 at line 4 cannot be read"


def test_one_nul_in_a_text_is_a_syntax_error_in_a_file_too(tmp_path: Path) -> None:
    path = tmp_path / "m.crm"
    path.write_bytes(b"team a\x00b\n")
    (d,) = crmdsl.analyze_path(path).diagnostics
    assert (d.kind, d.message) == ("syntax", "unexpected character `U+0000`")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("\x00", "cannot include `\\x00`: it holds a NUL character"),
        ("a\x00b.crm", "cannot include `a\\x00b.crm`: it holds a NUL character"),
        ("parts/\udcff.crm", "cannot include `parts/\\udcff.crm`: no such file: parts/\udcff.crm"),
    ],
)
def test_an_include_path_that_cannot_be_a_file_name(path: str, why: str, tmp_path: Path) -> None:
    text = MAP + "include " + '"' + path + '"\n'
    analysis = crmdsl.analyze(text, str(tmp_path / "m.crm"))
    found = [(d.kind, d.span.line if d.span else 0) for d in analysis.diagnostics]
    assert ("include-missing", 4) in found
    messages = [d.message for d in analysis.diagnostics]
    assert why in messages or any(m.startswith("cannot include") for m in messages), messages
    for d in analysis.diagnostics:
        render_diagnostic(d, analysis.lines_of())


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["export", "json"],
        ["render", "--view", "overview"],
        ["report"],
    ],
)
def test_a_nul_include_path_through_the_commands(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "m.crm").write_bytes(MAP.encode() + b'include "a\x00"\n')
    done = cli(tmp_path, *command, "m.crm")
    assert done.returncode == 2, done
    assert "Traceback" not in done.stdout + done.stderr


def test_a_lone_surrogate_in_text_is_a_load_error_at_its_place() -> None:
    analysis = crmdsl.analyze('#\ud800\nteam t "A\udfff B"\n', "m.crm")
    assert [(d.kind, d.span.line, d.span.col) for d in analysis.diagnostics if d.span] == [
        ("syntax", 1, 2),
        ("syntax", 2, 10),
    ]
    assert analysis.diagnostics[1].message == (
        "U+DFFF is not a Unicode character (a lone surrogate)"
    )
    assert analysis.map.teams[0].label == "A\ufffd B"
    to_json(analysis.map).encode("utf-8")
    with pytest.raises(crmdsl.LoadError):
        crmdsl.loads("#\ud800\n", "m.crm")


def test_a_lone_surrogate_in_an_include_path() -> None:
    analysis = crmdsl.analyze(MAP + 'include "\ud800"\n', "m.crm")
    assert {d.kind for d in analysis.diagnostics} == {"syntax", "include-missing"}
    to_json(analysis.map).encode("utf-8")


def test_the_json_adapter_is_built_once() -> None:
    crm_map = crmdsl.load(REPO / "examples" / "acme.crm")
    from crmdsl.model import _adapter

    to_json(crm_map)
    assert _adapter() is _adapter()


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_endings_load_alike_and_are_kept_on_write(newline: str, tmp_path: Path) -> None:
    text = 'map "M"\n  owner t\nteam t "T"\nteam   u   "U"\n'.replace("\n", newline)
    path = tmp_path / "m.crm"
    path.write_bytes(text.encode())
    analysis = crmdsl.analyze_path(path)
    assert analysis.diagnostics == []
    assert [t.id for t in analysis.map.teams] == ["t", "u"]
    assert analysis.sources[str(path)].newline == newline
    formatted = crmdsl.format_text(text)
    assert formatted == 'map "M"\n  owner t\nteam t "T"\nteam u "U"\n'.replace("\n", newline)
    done = cli(tmp_path, "fmt", "m.crm")
    assert done.returncode == 0, done
    assert path.read_bytes() == formatted.encode()


def test_a_cr_only_file_reports_errors_on_their_lines() -> None:
    (d,) = crmdsl.analyze('map "M"\r  owner t\rteam t "T"\rjorney j\r', "m.crm").diagnostics
    assert (d.kind, d.span and d.span.line) == ("syntax", 4)


def test_an_editors_unsaved_text_with_a_lone_surrogate(tmp_path: Path) -> None:
    from crmdsl.query.overlay import analyze_texts

    path = tmp_path / "m.crm"
    path.write_text(MAP, encoding="utf-8")
    analysis = analyze_texts(path, {str(path.resolve()): MAP + 'team u "U\ud800"\n'})
    assert [(d.kind, d.span.line if d.span else 0) for d in analysis.diagnostics] == [("syntax", 4)]
    to_json(analysis.map).encode("utf-8")


@pytest.mark.parametrize("name", ["a\x00b.crm", "a\ud800b.crm"])
def test_an_editors_path_that_no_file_can_have(name: str) -> None:
    from crmdsl.query.overlay import analyze_texts

    assert [d.kind for d in analyze_texts(name, {}).diagnostics] == ["io"]
    assert analyze_texts(name, {name: MAP}).diagnostics == []
