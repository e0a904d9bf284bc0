"""Markdown pieces for `crmdsl report`: values in, safe Markdown text out.

User text (labels, pains, ideas) is escaped so that it cannot open a link, a tag or a
new table cell; ids are shown as code spans; numbers, money and durations are written
the same way on every machine (no locale).
"""

from __future__ import annotations

from collections.abc import Sequence

from crmdsl.model import DURATION_MINUTES
from crmdsl.views.markup import markdown_code, markdown_inline

__all__ = [
    "code",
    "duration",
    "esc",
    "message",
    "money",
    "number",
    "percent",
    "plural",
    "quantity",
    "table",
]


def esc(text: str) -> str:
    """User text made inert: Markdown specials escaped, line breaks as spaces."""
    return markdown_inline(str(text))


def message(text: str) -> str:
    """Our own words (finding messages): code spans kept; only `|`, `<`, `>` escaped."""
    flat = " ".join(str(text).split())
    return flat.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """An id or a reference as a code span (`|` escaped so that it is safe in a table)."""
    return markdown_code(str(text)).replace("|", "\\|")


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table; cells are already escaped Markdown."""
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in rows:
        out.append("| " + " | ".join(cell if cell else " " for cell in row) + " |")
    return out


def number(value: float) -> str:
    """`1,000,000`, or `1,234.5` with at most two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money(value: float, currency: str) -> str:
    """`100,000 USD`."""
    return f"{number(value)} {currency}"


def quantity(q: object) -> str:
    """A value as written, money with thousands separators (`1,000,000 USD`)."""
    kind = getattr(q, "kind", None)
    currency = getattr(q, "currency", None)
    if kind == "money" and currency:
        return money(float(getattr(q, "value", 0.0)), str(currency))
    return esc(str(getattr(q, "text", q)))


def percent(value: float) -> str:
    """A percentage rounded to a whole number (one decimal below 10%)."""
    if abs(value) < 10 and not float(value).is_integer():
        text = f"{value:.1f}"
    else:
        text = f"{value:,.0f}"
    return ("0" if text in ("-0", "-0.0") else text) + "%"


_UNITS = (("d", DURATION_MINUTES["d"]), ("h", DURATION_MINUTES["h"]), ("m", 1))


def duration(minutes: int) -> str:
    """Minutes as `3d 4h`, `45m`, `0m`."""
    if minutes <= 0:
        return "0m"
    parts = []
    rest = minutes
    for unit, size in _UNITS:
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts)


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 step`, `3 steps`."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
