"""Past `max-errors` load errors in a file, one `too-many-errors` error counts the rest.

Reproduces the report's file of 100,000 bad lines (here 1,000: the speed is measured by
benchmarks/bench_errors.py): the first 200 errors in file order, then "and N more" where
the first one left out is; `max-errors` in the config or `Limits` changes the number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import crmdsl
from crmdsl.language.limits import Limits

from .clirun import cli

BAD = 'map "M"\n  owner t\nteam t "T"\n' + "".join(f"jorney j{i}\n" for i in range(1000))


def test_two_hundred_errors_then_and_n_more() -> None:
    found = crmdsl.analyze(BAD, "bad.crm").diagnostics
    assert len(found) == 201
    assert {d.kind for d in found[:200]} == {"syntax"}
    assert [d.span.line for d in found[:200] if d.span] == list(range(4, 204))
    last = found[-1]
    assert last.kind == "too-many-errors"
    assert last.message == "and 800 more load errors in bad.crm (only the first 200 are shown)"
    assert last.span is not None and last.span.line == 204
    assert last.hint == "fix these first, or raise `max-errors` in the config"
    assert last.extra == {"more": 800}


def test_the_limit_counts_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.crm").write_text("".join(f"jorney a{i}\n" for i in range(5)))
    (tmp_path / "b.crm").write_text("".join(f"jorney b{i}\n" for i in range(2)))
    text = 'map "M"\n  owner t\nteam t "T"\ninclude "a.crm"\ninclude "b.crm"\n'
    found = crmdsl.analyze(text, str(tmp_path / "m.crm"), limits=Limits(max_errors=3))
    files = [(Path(d.span.file).name, d.kind) for d in found.diagnostics if d.span]
    assert (
        files
        == [("a.crm", "syntax")] * 3 + [("a.crm", "too-many-errors")] + [("b.crm", "syntax")] * 2
    )


def test_at_the_limit_nothing_is_left_out() -> None:
    text = 'map "M"\n  owner t\nteam t "T"\n' + "".join(f"jorney j{i}\n" for i in range(200))
    found = crmdsl.analyze(text, "m.crm").diagnostics
    assert len(found) == 200 and "too-many-errors" not in {d.kind for d in found}


def test_loads_raises_with_the_shortened_list() -> None:
    with pytest.raises(crmdsl.LoadError) as caught:
        crmdsl.loads(BAD, "bad.crm", limits=Limits(max_errors=10))
    assert len(caught.value.diagnostics) == 11


def test_max_errors_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "crmdsl.toml").write_text("max-errors = 5\n")
    (tmp_path / "bad.crm").write_text(BAD)
    done = cli(tmp_path, "check", "bad.crm")
    out = done.stdout + done.stderr
    assert done.returncode == 2
    assert out.count("error[syntax]") == 5
    assert "error[too-many-errors]: and 995 more load errors in bad.crm" in out
    assert "1000 load errors in 1 file; the map was not linted." in out


@pytest.mark.parametrize("value", ["0", "-3", '"many"'])
def test_a_bad_max_errors_is_a_config_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "crmdsl.toml").write_text(f"max-errors = {value}\n")
    (tmp_path / "m.crm").write_text('map "M"\n  owner t\nteam t "T"\n')
    done = cli(tmp_path, "check", "m.crm")
    assert done.returncode == 2
    assert "bad value for `max-errors`" in done.stderr
