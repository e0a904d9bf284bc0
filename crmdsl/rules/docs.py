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
        "`crmdsl check` runs these rules on every map that loads. Codes never change: use",
        "them in `# crmdsl: ignore[CODE]` comments, in `select`/`ignore` and in per-code",
        "severities. The severity shown is the default; `crmdsl explain CODE` prints a rule's",
        "text in the terminal.",
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
    out += _PYTHON
    return "\n".join(out) + "\n"


_PYTHON = [
    "",
    "## Where findings go",
    "",
    "One finding per statement per rule, on the keyword of the statement it is about: a",
    "field rule on the field's name, a touchpoint rule on `touchpoint`, a step rule on",
    "`step`, P204 on `decision`, integration-wide rules on `integration`, mapping rules",
    "on the `map` keyword of the mapping line, G502/G503 on `metric`, other goal rules on",
    "`goal`, M002 on the map header and M001 on line 1. Where one statement breaks a rule",
    "several times, the one finding names them all. A two-way integration (`A <-> B`) is",
    "checked in both directions. Durations compare in minutes (1mo = 30d, 1y = 365d).",
    "Path measures (P206) are taken on a process's flows with the loops removed.",
    "",
    "## From Python",
    "",
    "```python",
    "import datetime",
    "import crmdsl",
    "from crmdsl.rules import RuleContext, run_rules",
    "",
    'crm_map = crmdsl.load("examples/acme.crm")',
    "for finding in run_rules(RuleContext(crm_map, datetime.date.today())):",
    "    print(finding.span, finding.code, finding.message)",
    "```",
    "",
    "`run_rules` gives every rule's findings at its default severity. Config, suppression",
    "comments and M005 are applied on top of it by `crmdsl check`.",
]
