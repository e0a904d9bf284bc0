"""Mermaid `xychart-beta` text from an `XySpec`, through the safety layer.

In: an `XySpec` (title, categories, y-axis label and range, bar and line series) and an
optional Mermaid version. Out: Mermaid text, with its category and series counts.

Every user string (title, category, axis label, series name) is written in double quotes
with `encode_label`: only ASCII letters, digits, spaces and `#code;` entity codes reach
the chart, which Mermaid shows exactly (a blank string shows as one space). Numbers are
written without exponents, at most six decimals, so the text is the same bytes on every
machine. Charts with more than one named series show a legend, bar charts show their
values on the bars (front matter config, Mermaid 10.5 and later; older hosts ignore
neither, they simply lack the option). Mermaid before 10.3 has no xychart: refused.
"""

from __future__ import annotations

import re

from crmdsl.views.common import XySpec
from crmdsl.views.mermaid_text import (
    MermaidInputError,
    _visible_label,
    check_limits,
    encode_label,
)

__all__ = ["XYCHART_SINCE", "emit_xychart", "nice_range", "number_text"]

#: The first Mermaid version with `xychart-beta`.
XYCHART_SINCE = (10, 3)
_FRONT_MATTER_CONFIG_SINCE = (10, 5)
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def number_text(value: float) -> str:
    """A chart value as Mermaid reads it: `500000`, `-3`, `0.25` (no exponent, no `_`)."""
    if value != value or value in (float("inf"), float("-inf")):
        raise MermaidInputError(f"a chart value must be a finite number, not {value!r}")
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_range(values: list[float]) -> tuple[float, float]:
    """A y-axis range that holds every value and zero, its ends round numbers.

    `[400000, 500000]` gives `(0, 500000)`; `[1, 2.2]` gives `(0, 2.5)`. A chart whose
    bars start anywhere else than zero would show a 400,000 bar as nothing at all.
    """
    low = min([0.0, *values])
    high = max([0.0, *values])
    if low == high:
        return (0.0, 1.0)
    return (-_nice_ceiling(-low) if low < 0 else 0.0, _nice_ceiling(high) if high > 0 else 0.0)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `value`."""
    power = 10.0 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    while power > value and power > 1e-6:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _quoted(text: str) -> str:
    return f'"{_visible_label(text, line_breaks=False)}"'


def emit_xychart(spec: XySpec, mermaid_version: str | None) -> tuple[str, int, int]:
    """Mermaid text for an xy chart, the number of categories, and 0 edges."""
    from crmdsl.views.mermaid_safe import _parse_version

    version = _parse_version(mermaid_version)
    if version < XYCHART_SINCE:
        raise MermaidInputError("charts need Mermaid 10.3 or later (its xychart diagram)")
    if not spec.categories:
        raise MermaidInputError("a chart needs at least one category")
    for series in spec.series:
        if len(series.values) != len(spec.categories):
            raise MermaidInputError(
                f"series {encode_label(series.name)} has {len(series.values)} values "
                f"for {len(spec.categories)} categories"
            )
    lines: list[str] = []
    config = []
    if sum(1 for s in spec.series if s.name) > 1:
        config.append("    showLegend: true")
    if any(s.kind == "bar" for s in spec.series):
        config.append("    showDataLabel: true")
    if config:
        config.insert(0, "  xyChart:")
    bad = [c for c in spec.colors if not _COLOR.fullmatch(c)]
    if bad:
        raise MermaidInputError(f"a chart colour must look like #2b6cb0, not {bad[0]!r}")
    if spec.colors:
        palette = ", ".join(spec.colors)
        config += ["  themeVariables:", "    xyChart:", f'      plotColorPalette: "{palette}"']
    if config and version >= _FRONT_MATTER_CONFIG_SINCE:
        lines += ["---", "config:", *config, "---"]
    low, high = spec.y_range
    lines += [
        "xychart-beta",
        f"\ttitle {_quoted(spec.title)}",
        "\tx-axis [" + ", ".join(_quoted(c) for c in spec.categories) + "]",
        f"\ty-axis {_quoted(spec.y_label)} {number_text(low)} --> {number_text(high)}",
    ]
    for series in spec.series:
        values = ", ".join(number_text(v) for v in series.values)
        name = f" {_quoted(series.name)}" if series.name else ""
        lines.append(f"\t{series.kind}{name} [{values}]")
    text = "\n".join(lines) + "\n"
    check_limits(text, 0)
    return text, len(spec.categories), 0
