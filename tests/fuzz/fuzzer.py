"""The mutation fuzzer: seed maps in, mutated maps through every stage, shrunk failures out.

Seeds are the project's own maps (examples/, the rule fixtures, the formatter goldens).
A seeded `random.Random` applies one to four mutations to a seed (insert a token, cut a
span, duplicate, drop, swap or re-indent a line, splice in a line of another seed, put a
hostile label in a string, truncate, swap words), so a run is the same for the same seed.

Each input goes through the stages a user reaches (`STAGES`): load (`analyze`, and every
diagnostic rendered), JSON export, lint, format twice (the second pass changes nothing),
every view of every subject, the report, and edits (a rename and formatting as a patch,
whose result must load as cleanly as before). The report and a Markdown page of every
view must be inert (`tests.fuzz.inert`). Any exception other than the documented
refusals (`NotFormattable`, `ViewError`, `EditError`) is a failure; `shrink` cuts a
failing input down (lines, then characters) while it fails the same way.

`Reproducer`s are stored as JSON (`{"text", "stage", "error"}`, so that text a file
cannot hold, such as a lone surrogate, survives) in tests/fuzz/reproducers/, and every
one is run by the normal test suite.
"""

from __future__ import annotations

import datetime
import json
import random
import re
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import crmdsl
from crmdsl import edit
from crmdsl.cli.render_cmd import markdown_page
from crmdsl.errors import render_diagnostic
from crmdsl.formatter.printer import NotFormattable
from crmdsl.model import to_json
from crmdsl.views import VIEWS, ViewError, render, subjects
from tests.fuzz.hostile import labels, quote
from tests.fuzz.inert import assert_inert

__all__ = [
    "REPRODUCERS",
    "STAGES",
    "Failure",
    "Fuzzer",
    "Reproducer",
    "load_reproducers",
    "mutate",
    "seeds",
    "shrink",
]

REPO = Path(__file__).resolve().parents[2]
REPRODUCERS = Path(__file__).resolve().parent / "reproducers"
SEED_GLOBS = ("examples/**/*.crm", "tests/rules/fixtures/**/*.crm", "tests/format/golden/*.crm")
TODAY = datetime.date(2026, 10, 1)
#: The stages, in the order an input goes through them (the last four when it loads).
STAGES = ("load", "export", "format", "lint", "views", "report", "edits")
TOKENS = (
    *(" ", "  ", "\t", "\n", "\r", "\r\n", "\n\n", '"', "\\", "\\n", "#", "# x", "->", "<->"),
    *(":", ",", ".", "(", ")", "=", "%", "@", "-", "0", "9" * 30, "1d", "every 0m", "\x00"),
    *("\ufeff", "\x0c", "\u2028", "é", "😀", "ǅ", "İ", "ß", "\u200b", "owner", "map", "team"),
    *("include", "journey", "stage", "step", "pii", "unique", "kind crm", "planned", "by"),
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Failure:
    """What went wrong: the stage, the exception's type and first line, where it was raised."""

    stage: str
    error: str
    where: str

    @property
    def signature(self) -> tuple[str, str]:
        """Failures with the same stage and exception type are taken as one bug."""
        return self.stage, self.error.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Reproducer:
    """A (shrunk) input and the failure it gave when it was found."""

    text: str
    stage: str
    error: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=True, indent=1) + "\n"


def seeds() -> list[tuple[str, str]]:
    """(name, text) of every seed map, in a fixed order."""
    found = {p for pattern in SEED_GLOBS for p in REPO.glob(pattern) if p.is_file()}
    return [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(found)]


def load_reproducers(folder: Path = REPRODUCERS) -> list[tuple[str, Reproducer]]:
    """(file name, reproducer) of every stored reproducer."""
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="ascii"))
        out.append((path.name, Reproducer(data["text"], data["stage"], data["error"])))
    return out


# --- mutations ---------------------------------------------------------------------------


def _insert(rng: random.Random, text: str, pool: list[str]) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + rng.choice(TOKENS) + text[at:]


def _cut(rng: random.Random, text: str, pool: list[str]) -> str:
    if not text:
        return text
    at = rng.randrange(len(text))
    return text[:at] + text[at + rng.randint(1, 20) :]


def _lines(rng: random.Random, text: str, pool: list[str]) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.randrange(5)
    if action == 0:
        lines.insert(i, lines[j])
    elif action == 1 and len(lines) > 1:
        del lines[i]
    elif action == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif action == 3:
        lines[i] = rng.choice(("  ", "\t", " ", "    ")) + lines[i]
    else:
        lines[i] = lines[i].lstrip(" ")
    return "\n".join(lines)


def _splice(rng: random.Random, text: str, pool: list[str]) -> str:
    other = rng.choice(pool).split("\n")
    lines = text.split("\n")
    lines.insert(rng.randint(0, len(lines)), rng.choice(other))
    return "\n".join(lines)


def _hostile(rng: random.Random, text: str, pool: list[str]) -> str:
    strings = [m.span() for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"', text)]
    label = quote(rng.choice(labels()).replace("\r", " "))
    if not strings:
        return text + f"team fuzz {label}\n"
    start, end = rng.choice(strings)
    return text[:start] + label + text[end:]


def _truncate(rng: random.Random, text: str, pool: list[str]) -> str:
    return text[: rng.randint(0, len(text))]


def _words(rng: random.Random, text: str, pool: list[str]) -> str:
    words = list(_WORD.finditer(text))
    if len(words) < 2:
        return text
    target, source = rng.choice(words), rng.choice(words)
    return text[: target.start()] + source.group() + text[target.end() :]


MUTATIONS: tuple[Callable[[random.Random, str, list[str]], str], ...] = (
    _insert,
    _insert,
    _cut,
    _lines,
    _lines,
    _splice,
    _hostile,
    _truncate,
    _words,
    _words,
)


def mutate(rng: random.Random, text: str, pool: list[str]) -> str:
    """One to four mutations of `text`, mostly one (`pool`: the seeds' texts, to splice)."""
    for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3, 4))):
        text = rng.choice(MUTATIONS)(rng, text, pool)
    return text


# --- the stages --------------------------------------------------------------------------


class Fuzzer:
    """Runs inputs through every stage; `check(text)` gives the first failure or None.

    Inputs are analysed as a file named `m.crm` in an empty private folder, so that an
    `include` reads nothing of the machine's.
    """

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="crmdsl-fuzz-")
        self.path = str(Path(self._folder.name) / "m.crm")
        #: The last stage the last input reached (`edits`: it loaded and went through all).
        self.last_stage = "load"

    def close(self) -> None:
        self._folder.cleanup()

    def __enter__(self) -> Fuzzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self, text: str) -> Failure | None:
        """Run `text` through every stage; the first unexpected exception, or None.

        `last_stage` then says how far it got.
        """
        self.last_stage = "load"
        try:
            for step in self._stages(text):
                self.last_stage = step
        except Exception as exc:  # noqa: BLE001 - every unexpected exception is a finding
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
            first = (str(exc).splitlines() or [""])[0][:200]
            return Failure(self.last_stage, f"{type(exc).__name__}: {first}", where)
        return None

    def _stages(self, text: str) -> Iterator[str]:
        """Run the stages one by one, yielding each one's name before it runs."""
        yield "load"
        analysis = crmdsl.analyze(text, self.path)
        for diag in analysis.diagnostics:
            render_diagnostic(diag, analysis.lines_of())
        yield "export"
        to_json(analysis.map).encode("utf-8")
        yield "format"
        self._format_twice(text)
        if not analysis.ok:
            return
        yield "lint"
        findings = crmdsl.lint(analysis, today=TODAY, standalone=True).findings
        yield "views"
        self._views(analysis.map)
        yield "report"
        page = str(crmdsl.report(analysis.map, findings, TODAY, self.path))
        assert_inert(page)
        yield "edits"
        self._edits(analysis)

    def _format_twice(self, text: str) -> None:
        try:
            once = crmdsl.format_text(text, self.path)
        except NotFormattable:
            return
        twice = crmdsl.format_text(once, self.path)
        if twice != once:
            raise AssertionError(f"formatting twice changes the text: {once!r} -> {twice!r}")

    def _views(self, crm_map: crmdsl.CrmMap) -> None:
        drawn = []
        for view in VIEWS:
            for subject in subjects(crm_map, view):
                try:
                    drawn.append(render(crm_map, view, subject))
                except ViewError:
                    pass
        assert_inert(markdown_page(drawn, crm_map.title) if drawn else "")

    def _edits(self, analysis: crmdsl.Analysis) -> None:
        texts = {name: source.text for name, source in analysis.sources.items()}
        ids = sorted(k for k in analysis.map.symbols() if re.fullmatch(r"[a-z_][a-z0-9_]*", k))
        patches = [edit.format_patch(analysis)]
        for key in ids[:2]:
            try:
                patches.append(edit.rename(analysis, key, key + "_renamed"))
            except edit.EditError:
                pass
        for patch in patches:
            after = patch.apply(texts)
            again = crmdsl.analyze(after[self.path], self.path)
            if again.diagnostics:
                raise AssertionError(
                    f"{patch.description} gives load errors: {again.diagnostics[0].message}"
                )
            assert patch.inverse().apply(after) == texts, "the inverse does not undo it"


def shrink(fuzzer: Fuzzer, text: str, failure: Failure, budget: int = 400) -> str:
    """A smaller text that fails the same way (same stage and exception type)."""
    runs = 0

    def fails(candidate: str) -> bool:
        nonlocal runs
        runs += 1
        found = fuzzer.check(candidate)
        return found is not None and found.signature == failure.signature

    for unit in ("line", "char"):
        parts = text.splitlines(keepends=True) if unit == "line" else list(text)
        chunk = max(1, len(parts) // 2)
        while chunk >= 1 and runs < budget:
            i, cut = 0, False
            while i < len(parts) and runs < budget:
                candidate = parts[:i] + parts[i + chunk :]
                if fails("".join(candidate)):
                    parts, cut = candidate, True
                else:
                    i += chunk
            if not cut:
                chunk //= 2
        text = "".join(parts)
    return text
