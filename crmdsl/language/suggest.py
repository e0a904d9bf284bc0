"""Did you mean: the closest names to a name that does not exist, or else the fix.

When nothing is close, the fix: declare it, or quote a label of several words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "declare_hint", "did_you_mean", "quote_label_hint"]

#: The statements that declare a name with `KEYWORD ID "Label"`.
_DECLARED = frozenset({"team", "system", "journey", "process", "goal", "persona", "channel"})


_LONGEST = 100  # a name longer than this is not a typo of a name


def closest(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Up to `limit` candidates close to `word`; a case-only difference comes first."""
    if len(word) > _LONGEST:
        return []  # nobody mistypes a name this long, and difflib would take seconds
    pool = sorted(set(candidates))
    lowered = word.lower()
    same_case = [c for c in pool if c.lower() == lowered and c != word]
    close = difflib.get_close_matches(word, pool, n=limit, cutoff=0.6)
    if not close:
        by_lower = {c.lower(): c for c in pool}
        close = [
            by_lower[c]
            for c in difflib.get_close_matches(lowered, list(by_lower), n=limit, cutoff=0.6)
        ]
    if len(word) >= 3:
        close += [c for c in pool if c.startswith(word) and c not in close]
    out: list[str] = []
    for c in [*same_case, *close]:
        if c not in out and c != word:
            out.append(c)
    return out[:limit]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`did you mean `a` or `b`?`, or an empty string when nothing is close."""
    found = closest(word, candidates)
    if not found:
        return ""
    names = [f"`{c}`" for c in found]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"did you mean {listed}?"


def declare_hint(kind: str, name: str) -> str:
    """`declare it: `system twilio "…"``, when `kind` is declared that way (else empty)."""
    if kind not in _DECLARED or not name.isidentifier() or len(name) > _LONGEST:
        return ""
    return f'declare it, such as `{kind} {name} "…"`, or fix the name'


def quote_label_hint(keyword: str, name: str, words: list[str]) -> str:
    """`put the label in quotes: `team front "Front desk"``."""
    return f'put the label in quotes: `{keyword} {name} "{" ".join(words)}"`'
