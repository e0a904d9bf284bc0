"""Did you mean: the closest existing names to a name that does not exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


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
