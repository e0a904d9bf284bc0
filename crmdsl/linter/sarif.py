"""SARIF 2.1.0 output: checked maps and the rule registry in, one SARIF log (a dict) out.

One run; `tool.driver` lists every rule (id, name, descriptions and help from the
docstring, default level) and the load error kinds; each finding or load error is a
result with its level, message, a physical location relative to `%SRCROOT%` (the folder
the check ran in) and `partialFingerprints` that do not change when lines move, so GitHub
code scanning follows a finding from commit to commit. Columns count code points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from crmdsl.errors import LOAD_ERROR_KINDS, Diagnostic, finding_order
from crmdsl.linter.formats import CheckedMap, fingerprints
from crmdsl.linter.ruledoc import parse_doc
from crmdsl.rules.registry import GROUPS
from crmdsl.version import __version__

__all__ = ["INFORMATION_URI", "SARIF_SCHEMA", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/crmdsl/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "crmdslFinding/v1"

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule_entry(code: str, rule: Any) -> dict[str, Any]:
    doc = parse_doc(rule.doc)
    full = " ".join(p for p in (doc.what, doc.why) if p)
    help_text = "\n\n".join(
        p
        for p in (
            f"What it does: {doc.what}" if doc.what else "",
            f"Why it matters: {doc.why}" if doc.why else "",
            f"Example:\n{doc.example}" if doc.example else "",
        )
        if p
    )
    help_md = "\n\n".join(
        p
        for p in (
            f"**What it does:** {doc.what}" if doc.what else "",
            f"**Why it matters:** {doc.why}" if doc.why else "",
            f"**Example:**\n\n```\n{doc.example}\n```" if doc.example else "",
        )
        if p
    )
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": doc.short or rule.name},
        "fullDescription": {"text": full or rule.name},
        "help": {"text": help_text or rule.name, "markdown": help_md or rule.name},
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
        "properties": {"tags": [GROUPS.get(code[:1], "crmdsl")]},
    }


def _load_rule_entry(kind: str) -> dict[str, Any]:
    return {
        "id": kind,
        "name": kind,
        "shortDescription": {"text": f"Load error: {kind}"},
        "fullDescription": {
            "text": f"The map does not load ({kind}); it is not linted until this is fixed."
        },
        "help": {"text": "Load errors cannot be suppressed. Fix the text at the location shown."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["load error"]},
    }


def artifact_location(path: str) -> dict[str, str]:
    """A relative URI against `%SRCROOT%` where possible, else an absolute file URI."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return {"uri": p.as_uri()}
    posix = PurePosixPath(*p.parts).as_posix() if p.parts else path
    if os.sep != "/":  # pragma: no cover - Windows
        posix = posix.replace(os.sep, "/")
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _region(d: Diagnostic) -> dict[str, int]:
    s = d.span
    assert s is not None
    end_line = max(s.end_line, s.line)
    end_col = s.end_col if end_line > s.line else max(s.end_col, s.col + 1)
    return {"startLine": s.line, "startColumn": s.col, "endLine": end_line, "endColumn": end_col}


def _result(d: Diagnostic, rule_id: str, index: int | None, fingerprint: str) -> dict[str, Any]:
    text = d.message
    if d.hint:
        hint = d.hint[:1].upper() + d.hint[1:]
        text += "\n" + hint + ("" if hint.endswith((".", "?", "!")) else ".")
    out: dict[str, Any] = {"ruleId": rule_id}
    if index is not None:
        out["ruleIndex"] = index
    out["level"] = _LEVEL.get(d.severity, "warning")
    out["message"] = {"text": text}
    if d.span is not None:
        out["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(d.span.file),
                    "region": _region(d),
                }
            }
        ]
    related = []
    for n, note in enumerate(d.notes):
        if note.span is None:
            continue
        related.append(
            {
                "id": n,
                "physicalLocation": {
                    "artifactLocation": artifact_location(note.span.file),
                    "region": {"startLine": note.span.line, "startColumn": note.span.col},
                },
                "message": {"text": note.message},
            }
        )
    if related:
        out["relatedLocations"] = related
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    return out


def sarif_log(maps: Sequence[CheckedMap], rules: Mapping[str, Any]) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a check."""
    entries = [_rule_entry(code, rule) for code, rule in rules.items()]
    entries += [_load_rule_entry(kind) for kind in LOAD_ERROR_KINDS]
    index = {e["id"]: i for i, e in enumerate(entries)}
    results: list[dict[str, Any]] = []
    for m in maps:
        loads = list(m.load_errors)
        for d, fp in zip(loads, fingerprints(loads, m.lines_of), strict=True):
            results.append(_result(d, d.kind, index.get(d.kind), fp))
        findings = sorted(m.findings, key=finding_order)
        for d, fp in zip(findings, fingerprints(findings, m.lines_of), strict=True):
            results.append(_result(d, d.code, index.get(d.code), fp))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "crmdsl",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": entries,
                    }
                },
                "originalUriBaseIds": {
                    SRCROOT: {"description": {"text": "The folder `crmdsl check` ran in."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
