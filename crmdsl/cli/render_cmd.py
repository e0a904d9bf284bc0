"""`crmdsl render`: a map in, Mermaid diagrams out (text, Markdown, SVG or PNG).

One diagram (`--view V [--id ID]`) goes to stdout as Mermaid text, or to `-o FILE`,
whose suffix picks the format: `.mmd` Mermaid text, `.md` a heading and a fenced
mermaid block, `.svg`/`.png` rendered by a local mermaid-cli in headless Chromium.
`--all` draws every subject of a view (every journey, process or pii field), or with
no `--view` every view of every journey and process plus the map-wide views, into
`-o DIR` (one file each; SVG unless `--format` says otherwise) or `-o FILE.md` (one
page). Everything SVG or PNG is rendered in one browser session, with progress on a
terminal only. A missing renderer is a message with the install commands, exit 2.
`--state as-is|to-be` draws that state's map; `both` (the default) the map as written,
with planned elements dashed and tagged and retiring ones tagged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crmdsl.cli.check import load_or_report
from crmdsl.cli.output import write_output
from crmdsl.errors import UsageError
from crmdsl.model import CrmMap
from crmdsl.views import VIEWS, Diagram, everything, render, subjects
from crmdsl.views.markup import markdown_heading
from crmdsl.views.state import STATES

if TYPE_CHECKING:
    from crmdsl.views.svg import MermaidRenderer, OutputFormat, RenderResult

__all__ = ["FORMATS", "markdown_block", "markdown_page", "run_render"]

FORMATS = ("mmd", "md", "svg", "png")


def markdown_block(diagram: Diagram) -> str:
    """A fenced mermaid block for one diagram."""
    return f"```mermaid\n{diagram.text}```\n"


def markdown_page(diagrams: Sequence[Diagram], title: str | None = None) -> str:
    """A Markdown page: a heading and a fenced mermaid block per diagram."""
    if len(diagrams) == 1 and title is None:
        return f"{markdown_heading(1, diagrams[0].title)}\n\n{markdown_block(diagrams[0])}"
    parts = [f"{markdown_heading(1, title or 'Diagrams')}\n"]
    parts += [f"\n{markdown_heading(2, d.title)}\n\n{markdown_block(d)}" for d in diagrams]
    return "".join(parts)


def _format_of(output: str | None, fmt: str | None, many: bool) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt}")
        return fmt
    if output is None or output == "-":
        return "mmd"
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "mermaid":
        return "mmd"
    if many:
        return "svg"
    raise UsageError(
        f"cannot tell the format of {output}: name it .mmd, .md, .svg or .png, or give --format"
    )


def _diagrams(
    crm_map: CrmMap,
    view: str | None,
    subject: str | None,
    every: bool,
    version: str | None,
    state: str = "both",
) -> tuple[list[Diagram], list[str]]:
    if view is None and not every:
        raise UsageError(f"give --view VIEW (one of {', '.join(VIEWS)}) or --all")
    if view is not None and view not in VIEWS:
        raise UsageError(f"no view `{view}`; the views are {', '.join(VIEWS)}")
    if every and subject is not None:
        raise UsageError("give --id or --all, not both")
    if state not in STATES:
        raise UsageError(f"--state must be one of {', '.join(STATES)}, not {state}")
    if not every:
        assert view is not None
        return [render(crm_map, view, subject, version, state)], []
    if view is None:
        return everything(crm_map, version, state)
    return [render(crm_map, view, s, version, state) for s in subjects(crm_map, view)], []


def run_render(
    path: str,
    *,
    view: str | None,
    subject: str | None,
    output: str | None,
    every: bool,
    fmt: str | None,
    mermaid_version: str | None,
    chromium: str | None,
    mermaid_cli: str | None,
    quiet: bool = False,
    state: str = "both",
) -> int:
    """Render what the options ask for; return the exit code."""
    _check_version(mermaid_version)
    crm_map = load_or_report(path)
    if crm_map is None:
        return 2
    diagrams, refused = _diagrams(crm_map, view, subject, every, mermaid_version, state)
    for reason in refused:
        print(f"skipped: {reason}", file=sys.stderr)
    many = every
    fmt = _format_of(output, fmt, many)
    if not diagrams:
        print("nothing to draw: the map has none of what was asked", file=sys.stderr)
        return 0
    if not many or (output is not None and fmt == "md" and not _is_dir(output)):
        return _single_output(crm_map, diagrams, output, fmt, chromium, mermaid_cli, quiet)
    if (
        output is None
        or output == "-"
        or (Path(output).suffix.lower() in (".mmd", ".svg", ".png") and not _is_dir(output))
    ):
        raise UsageError("--all writes several diagrams: give -o DIR (or -o FILE.md for one page)")
    return _to_folder(diagrams, Path(output), fmt, chromium, mermaid_cli, quiet)


def _check_version(version: str | None) -> None:
    from crmdsl.views.mermaid_safe import Journey
    from crmdsl.views.mermaid_text import MermaidInputError

    try:
        Journey(mermaid_version=version)
    except MermaidInputError as error:
        raise UsageError(f"--mermaid-version: {error}") from None


def _is_dir(output: str) -> bool:
    return output.endswith(("/", "\\")) or Path(output).is_dir()


def _single_output(
    crm_map: CrmMap,
    diagrams: list[Diagram],
    output: str | None,
    fmt: str,
    chromium: str | None,
    mermaid_cli: str | None,
    quiet: bool,
) -> int:
    to_stdout = output is None or output == "-"
    if fmt in ("mmd", "md"):
        if fmt == "mmd":
            data: str | bytes = diagrams[0].text
        else:
            many = len(diagrams) > 1
            data = markdown_page(diagrams, crm_map.title if many else None)
    else:
        if to_stdout and fmt == "png":
            raise UsageError("PNG cannot go to the terminal: give -o FILE.png")
        data = _render_images(diagrams, fmt, chromium, mermaid_cli, quiet)[0]
    if to_stdout:
        if isinstance(data, bytes):  # pragma: no cover - refused above
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return 0
    assert output is not None
    write_output(output, data)
    if not quiet:
        if len(diagrams) == 1:
            print(f"wrote {output} ({_describe(diagrams[0])})")
        else:
            print(f"wrote {output} ({len(diagrams)} diagrams)")
    return 0


def _describe(diagram: Diagram) -> str:
    nodes = f"{diagram.nodes} node{'s' if diagram.nodes != 1 else ''}"
    edges = f"{diagram.edges} edge{'s' if diagram.edges != 1 else ''}"
    return f"{diagram.view} view, {nodes}, {edges}"


def _to_folder(
    diagrams: list[Diagram],
    folder: Path,
    fmt: str,
    chromium: str | None,
    mermaid_cli: str | None,
    quiet: bool,
) -> int:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; --all writes into a folder")
    if fmt in ("svg", "png"):
        datas: list[str | bytes] = list(_render_images(diagrams, fmt, chromium, mermaid_cli, quiet))
    elif fmt == "md":
        datas = [markdown_page([d]) for d in diagrams]
    else:
        datas = [d.text for d in diagrams]
    for diagram, data in zip(diagrams, datas, strict=True):
        write_output(folder / f"{diagram.name}.{fmt}", data)
    if not quiet:
        shown = str(folder) + ("" if str(folder).endswith("/") else "/")
        print(f"wrote {len(diagrams)} file{'s' if len(diagrams) != 1 else ''} to {shown}")
    return 0


def _render_images(
    diagrams: list[Diagram], fmt: str, chromium: str | None, mermaid_cli: str | None, quiet: bool
) -> list[str | bytes]:
    """Render in one browser; a diagram Mermaid rejects is an error naming it."""
    from crmdsl.views.svg import MermaidRenderer, RendererNotFoundError, RenderError

    try:
        renderer = MermaidRenderer(chromium=chromium, cli_dir=mermaid_cli)
    except RendererNotFoundError as error:
        raise UsageError(
            f"{error}\nMermaid text needs nothing installed: give --format mmd (or md, a page "
            "with the diagrams in mermaid blocks, which GitHub and GitLab draw)."
        ) from None
    image: OutputFormat = "png" if fmt == "png" else "svg"
    results: list[RenderResult] = []
    try:
        with renderer:
            results = _with_progress(renderer, diagrams, image, quiet)
    except RenderError as error:
        raise UsageError(f"the Mermaid renderer failed: {error}") from None
    out: list[str | bytes] = []
    for diagram, result in zip(diagrams, results, strict=True):
        if not result.ok:
            raise UsageError(
                f"Mermaid could not render the {diagram.view} view"
                + (f" of `{diagram.subject}`" if diagram.subject else "")
                + f": {result.error}\n(this is a bug in crmdsl; please report it with the map)"
            )
        data = result.png if image == "png" else result.svg
        out.append(data if data is not None else "")
    return out


def _with_progress(
    renderer: MermaidRenderer, diagrams: list[Diagram], fmt: OutputFormat, quiet: bool
) -> list[RenderResult]:
    texts = [d.text for d in diagrams]
    if quiet or len(texts) < 2 or not sys.stderr.isatty():
        return renderer.render_many(texts, fmt)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from crmdsl.cli.output import rich_console

    results: list[RenderResult] = []
    step = max(1, renderer.jobs)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=rich_console(sys.stderr), transient=False
    ) as bar:
        task = bar.add_task(f"rendering {len(texts)} diagrams", total=len(texts))
        for start in range(0, len(texts), step):
            chunk = texts[start : start + step]
            results.extend(renderer.render_many(chunk, fmt))
            bar.advance(task, len(chunk))
    return results
