"""The rule reference, generated: the registry in, the Markdown of `docs/rules.md` out.

`scripts/gen_rules_doc.py` writes it; a test checks the file is current. Each rule's
text comes from its docstring, split at *What it does*, *Why it matters*, *Example* and
*Fix* (`rule_doc_parts`), so the reference says exactly what `crmdsl explain` says.
"""

from __future__ import annotations

import re
import textwrap

from crmdsl.rules.registry import GROUPS, RULES, Rule

__all__ = ["render_rules_markdown", "rule_doc_parts"]

_HEADS = ("What it does:", "Why it matters:", "Example:", "Fix:")


def rule_doc_parts(doc: str) -> dict[str, str]:
    """A rule docstring's parts: `what`, `why` (prose, one line each), `example`, `fix`."""
    keys = ("what", "why", "example", "fix")
    found: dict[str, list[str]] = {k: [] for k in keys}
    current = "what"
    for line in doc.splitlines():
        for key, head in zip(keys, _HEADS, strict=True):
            if line.startswith(head):
                current = key
                line = line[len(head) :]
                break
        found[current].append(line)
    out = {k: "\n".join(v) for k, v in found.items()}
    for key in ("what", "why"):
        paragraphs = re.split(r"\n\s*\n", out[key].strip())
        out[key] = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    for key in ("example", "fix"):
        out[key] = textwrap.dedent(out[key].strip("\n")).rstrip()
    return out


def _summary(rule: Rule) -> str:
    what = rule_doc_parts(rule.doc)["what"].split("\n\n")[0]
    what = what.removeprefix("flags ")
    return (what[:1].upper() + what[1:]).replace("|", "\\|")


def _anchor(rule: Rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def render_rules_markdown() -> str:
    """The text of `docs/rules.md`."""
    out = [
        "# Lint rules",
        "",
        "<!-- Generated from the rules' docstrings by scripts/gen_rules_doc.py; do not edit. -->",
        "",
        "`crmdsl check` runs these rules on every map that loads. Codes never change (a code",
        "is never renamed, reused or renumbered; a new rule takes the next free code of its",
        "group): use them in `# crmdsl: ignore[CODE]` comments, in `select`/`ignore` and in",
        "per-code severities. The severity shown is the default ([config.md](config.md)",
        "changes it); `crmdsl explain CODE` prints a rule's text in the terminal.",
        "",
        "Load errors are not lint rules: a map whose text is wrong (a syntax error, an unknown",
        "reference, a duplicate id, a bad value) does not load, is not linted, and exits 2;",
        "load errors cannot be suppressed ([errors.md](errors.md)). A rule's severity `error`",
        'is the weight of a finding on a map that loaded. "Today" for the date rules (M002,',
        "G503) is the date of the run, or `--today DATE` for runs that must not change with the",
        "calendar.",
        "",
        "| code | name | severity | what it does |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        out.append(
            f"| [`{rule.code}`](#{_anchor(rule)}) | `{rule.name}` | {rule.severity} "
            f"| {_summary(rule)} |"
        )
    for letter, title in GROUPS.items():
        rules = [r for r in RULES.values() if r.group == letter]
        if not rules:
            continue
        out += ["", f"## {letter}: {title}"]
        for rule in rules:
            parts = rule_doc_parts(rule.doc)
            out += [
                "",
                f"### {rule.code} {rule.name}",
                "",
                f"Default severity: **{rule.severity}**.",
            ]
            out += ["", "**What it does:** " + parts["what"]]
            out += ["", "**Why it matters:** " + parts["why"]]
            out += ["", "Example:", "", "```", parts["example"], "```"]
            out += ["", "Fix:", "", "```", parts["fix"], "```"]
    out += (
        _HOW[: _HOW.index("## From Python")] + _type_table() + _HOW[_HOW.index("## From Python") :]
    )
    return "\n".join(out) + "\n"


def _type_table() -> list[str]:
    """The I406 table, from the one the rule reads (`crmdsl.rules.integrations`)."""
    from crmdsl.rules.integrations import _ACCEPTS

    rows = ["| `string`, `text` | any type |"]
    for target, sources in _ACCEPTS.items():
        shown = (
            "`ref(E)`" if target == "ref" else "`enum(...)`" if target == "enum" else f"`{target}`"
        )
        words = ", ".join(f"`{s}`" for s in sorted(sources))
        if target == "ref":
            words = words.replace("`ref`", "`ref(E)` of the same entity name")
        rows.append(f"| {shown} | {words} |")
    return [
        "## Type compatibility (I406)",
        "",
        "What a field accepts without a `transform`, by the type of the field written to.",
        "Anything not listed needs a `transform`; `<->` lines are checked in both",
        "directions. Enum values are I407's business.",
        "",
        "| type written to | accepts fields of type |",
        "|---|---|",
        *rows,
        "",
    ]


_HOW = [
    "",
    "## Where findings go",
    "",
    "One finding per statement per rule, on the keyword of the statement it is about: a",
    "field rule on the field's name, a touchpoint rule on `touchpoint`, a step rule on",
    "`step`, P204 on `decision`, integration-wide rules (I401–I404, I408) on",
    "`integration`, mapping rules (I405–I407, I409) on the `map` keyword of the mapping",
    "line, G502/G503 on `metric`, other goal rules on `goal`, M002 on the map header and",
    "M001 on line 1. Where one statement breaks a rule several times (C601 and D304 over",
    "several captured fields, G502 over several missing parts), the one finding names them",
    "all.",
    "",
    "- **Two-way integrations.** For `A <-> B`, every `map` line works in both directions:",
    "  both of its fields are written to and both are carried out, and the type rules",
    "  (I406, I407) and the key rule (I405) are checked both ways.",
    "- **Process flows.** A process starts at the first `step`, `decision` or `end` of its",
    "  block; `flow` lines add edges to the implicit ones and replace nothing (see",
    "  [language.md](language.md#process-flow)). Path measures (P206, and the longest path",
    "  of `crmdsl report`) are taken on the flow graph with its back edges (loops) removed,",
    "  so they stay linear in the size of the process.",
    "- **Durations** compare in minutes: 1h = 60m, 1d = 24h, 1w = 7d, 1mo = 30d, 1y = 365d.",
    "- **References.** A declaration counts as used (M004) when anything that resolved",
    "  refers to it: an owner, persona, channel, `system` clause, the system part of an",
    "  entity declaration or of a field reference, an integration end, `master`,",
    "  `backstage`, `supported-by`, the map's `owner`.",
    "",
    "## From Python",
    "",
    "```python",
    "import datetime",
    "import crmdsl",
    "",
    'crm_map = crmdsl.load("examples/acme.crm")',
    'config = crmdsl.config_for("examples/acme.crm")',
    "for finding in crmdsl.lint(crm_map, config, datetime.date.today()).findings:",
    "    print(finding.span, finding.code, finding.message)",
    "```",
    "",
    "`crmdsl.lint` runs the rules the config enables, at the severities it sets, drops what",
    "suppression comments silence and adds M005, as `crmdsl check` does",
    "([api.md](api.md)).",
]
