"""Output formats of `crmdsl check` that need no terminal: checked maps in, text out.

`concise` (one line per finding), `json` (the documented schema of docs/cli.md),
`github` (workflow commands that GitHub Actions shows as annotations) and the summary
line of the `text` format. SARIF is in `crmdsl.linter.sarif`. Every function here returns
the same bytes for the same maps: findings are sorted, dicts are built in a fixed order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from crmdsl.errors import Diagnostic, Span, finding_order
from crmdsl.linter import LintResult

__all__ = [
    "CheckedMap",
    "concise_lines",
    "exit_code",
    "fingerprints",
    "fix_key",
    "github_lines",
    "json_report",
    "shown_findings",
    "summary_line",
]

JSON_VERSION = 1


@dataclass(slots=True)
class CheckedMap:
    """One map as `crmdsl check` saw it: its files, load errors, and findings if it loaded."""

    path: str
    files: list[str]
    lines_of: dict[str, list[str]]
    load_errors: list[Diagnostic]
    notes: list[str] = field(default_factory=list)
    result: LintResult | None = None
    #: `fix_key` of each finding that `crmdsl check --fix` can fix.
    fixable: set[tuple[str, Span | None, str]] = field(default_factory=set)

    def can_fix(self, finding: Diagnostic) -> bool:
        """Whether `crmdsl check --fix` fixes this finding."""
        return fix_key(finding) in self.fixable

    @property
    def findings(self) -> list[Diagnostic]:
        """The lint findings (none when the map did not load)."""
        return self.result.findings if self.result is not None else []


def fix_key(finding: Diagnostic) -> tuple[str, Span | None, str]:
    """What tells a finding from another in `CheckedMap.fixable`."""
    return (finding.code, finding.span, finding.message)


def shown_findings(checked: CheckedMap, show_info: bool) -> list[Diagnostic]:
    """The findings a person sees: info ones only with `--show-info`."""
    return [f for f in checked.findings if show_info or f.severity != "info"]


def exit_code(maps: Sequence[CheckedMap]) -> int:
    """2 if a map did not load, 1 if a finding is at or above fail-on, else 0."""
    if any(m.load_errors for m in maps):
        return 2
    if any(m.result is not None and m.result.failed for m in maps):
        return 1
    return 0


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_line(maps: Sequence[CheckedMap], show_info: bool) -> str:
    """The closing line of the text format (docs/cli.md), load errors first."""
    failed = [m for m in maps if m.load_errors]
    linted = [m for m in maps if m.result is not None]
    head = ""
    if failed:
        # a `too-many-errors` diagnostic stands for the errors it counts
        count = sum(int(str(d.extra.get("more", 1))) for m in failed for d in m.load_errors)
        files = len({d.span.file for m in failed for d in m.load_errors if d.span} or {""})
        head = f"{_plural(count, 'load error')} in {_plural(files, 'file')}"
        if not linted:
            tail = "the map was not linted" if len(failed) == 1 else "those maps were not linted"
            return f"{head}; {tail}."
        head += f" ({_plural(len(failed), 'map')} not linted); "
    counts: Counter[str] = Counter(f.severity for m in linted for f in m.findings)
    shown = [f for m in linted for f in shown_findings(m, show_info)]
    parts = []
    if counts["error"]:
        parts.append(_plural(counts["error"], "error"))
    if counts["warning"]:
        parts.append(_plural(counts["warning"], "warning"))
    if show_info and counts["info"]:
        parts.append(_plural(counts["info"], "info finding"))
    n_files = sum(len(m.files) or 1 for m in linted)
    if parts:
        files = len({f.span.file for f in shown if f.span})
        line = f"{_join(parts)} in {_plural(files, 'file')}"
    else:
        other = "other " if failed else ""
        maps_word = _plural(len(linted), f"{other}map")
        verdict = "no errors or warnings" if counts["info"] else "no findings"
        line = f"{maps_word} ({_plural(n_files, 'file')}) checked: {verdict}"
    if counts["info"] and not show_info:
        line += f" ({_plural(counts['info'], 'info finding')}: --show-info)"
    if not line.endswith("."):
        line += "."
    fixable = sum(m.can_fix(f) for m in linted for f in shown_findings(m, show_info))
    if fixable:
        line += f" [*] {fixable} fixable with `crmdsl check --fix`."
    if shown:
        first = Counter(f.code for f in shown).most_common(1)[0][0]
        line += f" `crmdsl explain {first}` tells more."
    return head + line


def concise_lines(maps: Sequence[CheckedMap], show_info: bool) -> list[str]:
    """`path:line:col: severity[CODE] message` (`[*] ` before a fixable one's message).

    Load errors read `path:line:col: error[kind] message`.
    """
    out: list[str] = []
    for m in maps:
        for d in m.load_errors:
            out.append(f"{_where(d)}: error[{d.kind}] {d.message}")
        for d in shown_findings(m, show_info):
            mark = "[*] " if m.can_fix(d) else ""
            out.append(f"{_where(d)}: {d.severity}[{d.code}] {mark}{d.message}")
    return out


def _where(d: Diagnostic) -> str:
    s = d.span
    return f"{s.file}:{s.line}:{s.col}" if s is not None else "<unknown>:1:1"


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(maps: Sequence[CheckedMap], show_info: bool) -> list[str]:
    """GitHub Actions workflow commands: `::warning file=…,line=…,col=…,title=CODE::message`."""
    out: list[str] = []
    for m in maps:
        for d in m.load_errors:
            out.append(_gh_command("error", f"{d.kind}", d))
        for d in shown_findings(m, show_info):
            out.append(
                _gh_command(_GITHUB_LEVEL.get(d.severity, "warning"), f"{d.code} {d.kind}", d)
            )
    return out


def _gh_command(level: str, title: str, d: Diagnostic) -> str:
    props = []
    s = d.span
    if s is not None:
        props += [f"file={_gh_prop(s.file)}", f"line={s.line}", f"col={s.col}"]
        if s.end_line >= s.line:
            props += [f"endLine={s.end_line}"]
            if s.end_line == s.line:
                props += [f"endColumn={s.end_col}"]
    props.append(f"title={_gh_prop(title)}")
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def fingerprints(findings: Sequence[Diagnostic], lines_of: dict[str, list[str]]) -> list[str]:
    """A stable id per finding: code, file, the trimmed source line and its occurrence.

    The line number is left out so that a finding keeps its id when lines above it move.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for d in findings:
        s = d.span
        file = s.file if s else ""
        text = ""
        if s is not None:
            lines = lines_of.get(s.file) or []
            if 1 <= s.line <= len(lines):
                text = " ".join(lines[s.line - 1].split())
        key = (d.code or d.kind, file, text)
        index = seen[key]
        seen[key] += 1
        raw = "\x1f".join([*key, str(index)])
        out.append(hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32])
    return out


def _finding_json(d: Diagnostic, fingerprint: str, fixable: bool) -> dict[str, object]:
    base = d.to_json()
    base.pop("kind", None)
    return {
        "code": d.code,
        "name": d.kind,
        "severity": d.severity,
        **base,
        "fingerprint": fingerprint,
        "fixable": fixable,
    }


def json_report(maps: Sequence[CheckedMap], today: str | None) -> dict[str, object]:
    """The `--format json` document (schema in docs/cli.md, version 1)."""
    totals: Counter[str] = Counter()
    entries = []
    for m in maps:
        findings = sorted(m.findings, key=finding_order)
        prints = fingerprints(findings, m.lines_of)
        counts = Counter(f.severity for f in findings)
        totals.update(counts)
        result = m.result
        entries.append(
            {
                "path": m.path,
                "files": sorted(m.files),
                "loaded": not m.load_errors,
                "notes": list(m.notes),
                "load_errors": [d.to_json() for d in m.load_errors],
                "config": result.config.source if result is not None else None,
                "fail_on": result.config.fail_on if result is not None else None,
                "findings": [
                    _finding_json(d, p, m.can_fix(d)) for d, p in zip(findings, prints, strict=True)
                ],
                "suppressed": result.suppressed if result is not None else 0,
                "counts": {k: counts.get(k, 0) for k in ("error", "warning", "info")},
            }
        )
    return {
        "version": JSON_VERSION,
        "today": today,
        "maps": entries,
        "summary": {
            "maps": len(maps),
            "load_errors": sum(len(m.load_errors) for m in maps),
            "findings": {k: totals.get(k, 0) for k in ("error", "warning", "info")},
            "exit_code": exit_code(maps),
        },
    }
