"""The report as one self-contained HTML page: the report's Markdown and SVGs in, HTML out.

In: the Markdown `render_report` writes (headings, paragraphs, `>` quotes, `-` lists,
tables, fenced `mermaid` blocks; inline: backslash escapes, code spans, `**bold**`,
`&lt;`-style references), and one SVG per `mermaid` block, in order (drawn by the
project's own Mermaid renderer, `crmdsl.views.svg`). Out: an HTML page with its style
inline, no script, nothing loaded from anywhere: a file to send round.

Only this small subset of Markdown is read, because only our own writers produce it:
every piece of text is written through `crmdsl.views.markup.html_text`, and the only
tags are the ones this module writes, so a label cannot open a tag whatever it holds.
Each SVG gets its own id (Mermaid names every diagram `my-svg`, and its CSS and arrow
markers refer to that id), replaced in tags and `<style>` only, never in label text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from crmdsl.views.markup import html_text

__all__ = ["MERMAID_SVG_ID", "markdown_to_html", "mermaid_blocks"]

#: The id Mermaid gives the SVG of every diagram our renderer draws.
MERMAID_SVG_ID = "my-svg"

_STYLE = """\
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;
margin:2rem auto;padding:0 1rem;color:#1a202c;line-height:1.5}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #cbd5e0;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#edf2f7}
code{background:#edf2f7;padding:0 .2rem;border-radius:3px}
blockquote{border-left:4px solid #cbd5e0;margin:1rem 0;padding:0 1rem;color:#4a5568}
figure.diagram{margin:1rem 0;overflow-x:auto}figure.diagram svg{max-width:100%;height:auto}
"""

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_REFERENCES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
_REFERENCE = re.compile("|".join(map(re.escape, _REFERENCES)))


def mermaid_blocks(markdown: str) -> list[str]:
    """The Mermaid text of every fenced `mermaid` block, in order."""
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.DOTALL | re.MULTILINE)


def _plain(text: str) -> str:
    """Markdown text without markup: escapes and references undone, then made HTML-safe."""
    text = _ESCAPED.sub(r"\1", text)
    return html_text(_REFERENCE.sub(lambda m: _REFERENCES[m.group(0)], text))


def _inline(text: str) -> str:
    """Inline Markdown (code spans, `**bold**`, escapes) as HTML."""
    out: list[str] = []
    i = 0
    bold = False
    plain = ""
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            plain += text[i : i + 2]
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            if end != -1:
                out.append(_plain_run(plain))
                plain = ""
                inner = text[i + run : end]
                if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
                    inner = inner[1:-1]
                out.append(f"<code>{html_text(inner)}</code>")
                i = end + run
                continue
        if text.startswith("**", i):
            out.append(_plain_run(plain))
            plain = ""
            out.append("</strong>" if bold else "<strong>")
            bold = not bold
            i += 2
            continue
        plain += char
        i += 1
    out.append(_plain_run(plain))
    if bold:
        out.append("</strong>")
    return "".join(out)


def _plain_run(text: str) -> str:
    return _plain(text) if text else ""


def _cells(line: str) -> list[str]:
    r"""The cells of a table row; `\|` is a bar inside a cell."""
    body = line.strip()[1:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _table(rows: list[str]) -> str:
    head = "".join(f"<th>{_inline(c)}</th>" for c in _cells(rows[0]))
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in _cells(row)) + "</tr>"
        for row in rows[2:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _own_svg(svg: str, number: int) -> str:
    """The SVG with its Mermaid id replaced by `crmdsl-diagram-N` (tags and styles only)."""
    new = f"crmdsl-diagram-{number}"
    svg = re.sub(r"<[^<>]*>", lambda m: m.group(0).replace(MERMAID_SVG_ID, new), svg)
    return re.sub(
        r"(<style[^>]*>)(.*?)(</style>)",
        lambda m: m.group(1) + m.group(2).replace(MERMAID_SVG_ID, new) + m.group(3),
        svg,
        flags=re.DOTALL,
    )


def _blocks(lines: list[str], svgs: Iterator[str]) -> Iterator[str]:
    i = 0
    count = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```mermaid"):
            end = lines.index("```", i + 1)
            count += 1
            yield f'<figure class="diagram">{_own_svg(next(svgs), count)}</figure>'
            i = end + 1
        elif heading := re.match(r"^(#{1,6}) (.*)$", line):
            level = len(heading.group(1))
            yield f"<h{level}>{_inline(heading.group(2))}</h{level}>"
            i += 1
        elif line.startswith("|"):
            end = i
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            yield _table(lines[i:end])
            i = end
        elif line.startswith("- "):
            end = i
            while end < len(lines) and lines[end].startswith("- "):
                end += 1
            items = "".join(f"<li>{_inline(item[2:])}</li>" for item in lines[i:end])
            yield f"<ul>{items}</ul>"
            i = end
        elif line.startswith("> "):
            yield f"<blockquote><p>{_inline(line[2:])}</p></blockquote>"
            i += 1
        elif line.strip():
            yield f"<p>{_inline(line)}</p>"
            i += 1
        else:
            i += 1


def markdown_to_html(markdown: str, title: str, svgs: Sequence[str]) -> str:
    """The page: the report's Markdown as HTML, the n-th `mermaid` block as the n-th SVG."""
    blocks = mermaid_blocks(markdown)
    if len(blocks) != len(svgs):
        raise ValueError(f"{len(blocks)} mermaid blocks but {len(svgs)} SVGs")
    body = "\n".join(_blocks(markdown.splitlines(), iter(svgs)))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html_text(title)}</title>\n<style>\n{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
