"""Render Mermaid text to SVG or PNG with a local Mermaid (mermaid-cli + Chromium).

In: Mermaid definitions (strings), e.g. the output of the views. Out: one
`RenderResult` per definition, in input order, holding the SVG text (or PNG bytes) or
the error Mermaid reported for that diagram (a parse error, for instance). One bad
diagram never stops the others.

All diagrams of a `MermaidRenderer` session are rendered in ONE headless Chromium by a
small Node script shipped next to this module (``mermaid_render.mjs``): each tab loads
mermaid-cli's page and Mermaid's bundle once and renders diagram after diagram in it
(PNG through mermaid-cli's exported ``renderMermaid``). Starting Chromium once, and
Mermaid once per tab, instead of once per diagram (as ``mmdc`` does) is what makes
rendering many diagrams cheap.
``render_with_mmdc`` runs the stock ``mmdc`` once, for comparison.

Nothing here touches the network: Chromium loads only local files, with background
networking, component updates and sync disabled, in a fresh temporary profile.

Where things are found (first match wins):

- Chromium: the ``chromium`` argument, ``$CRMDSL_CHROMIUM``, ``/usr/bin/chromium``.
- mermaid-cli: the ``cli_dir`` argument, ``$CRMDSL_MERMAID_CLI_DIR``, the checkout's
  ``tools/mermaid/node_modules``, ``./tools/mermaid/node_modules``, ``$NODE_PATH``, the
  directory of an ``mmdc`` on ``$PATH``, and Node's global ``node_modules``.
- Node: the ``node`` argument, ``$CRMDSL_NODE``, ``node`` on ``$PATH``.

A missing piece raises `RendererNotFoundError`, whose message gives the commands that
install it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from crmdsl.errors import CrmdslError

__all__ = [
    "CHROMIUM_ARGS",
    "INSTALL_HELP",
    "MERMAID_CONFIG",
    "MermaidRenderer",
    "RenderError",
    "RenderResult",
    "RenderTimings",
    "RendererNotFoundError",
    "RendererSetup",
    "find_renderer",
    "render_svgs",
    "render_with_mmdc",
    "svg_problems",
    "svg_text_nodes",
    "time_renderers",
]

OutputFormat = Literal["svg", "png"]

DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: Flags for every Chromium crmdsl starts (the Node script uses the same list).
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    # No name resolves: nothing can reach the network, even if a diagram asked to.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)

#: Mermaid's settings for every diagram drawn. Mermaid draws node outlines as rough
#: paths whose curves follow a random seed unless one is given: without it, the same
#: diagram gives different SVG bytes on each run.
MERMAID_CONFIG: dict[str, object] = {"handDrawnSeed": 1}

INSTALL_HELP = """\
Install the local Mermaid renderer (Debian/Ubuntu; Node.js 20 or later):
    sudo apt-get install -y chromium
    cd tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm ci
(from a crmdsl checkout, `.ci/install-mermaid.sh` runs both). Without a checkout:
    PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli@11.17.0 puppeteer@24.43.1
Other locations: CRMDSL_CHROMIUM=/path/to/chromium,
CRMDSL_MERMAID_CLI_DIR=/path/to/node_modules, CRMDSL_NODE=/path/to/node."""

_SCRIPT = Path(__file__).with_name("mermaid_render.mjs")
_CHECKOUT_CLI_DIR = Path(__file__).resolve().parents[2] / "tools" / "mermaid" / "node_modules"
_CLI_PACKAGE = Path("@mermaid-js") / "mermaid-cli"


class RendererNotFoundError(CrmdslError):
    """Chromium, Node or mermaid-cli is missing; the message says how to install it."""


class RenderError(CrmdslError):
    """The renderer itself failed (crashed, timed out, spoke garbage)."""


@dataclass(frozen=True)
class RenderResult:
    """One diagram's outcome: `svg` (or `png`) when it rendered, else `error`."""

    definition: str
    svg: str | None = None
    png: bytes | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the diagram rendered."""
        return self.error is None


@dataclass(frozen=True)
class RendererSetup:
    """The programs a render uses: Node, Chromium and mermaid-cli's package root."""

    node: Path
    chromium: Path
    cli_root: Path

    @property
    def node_modules(self) -> Path:
        """The ``node_modules`` directory that holds mermaid-cli."""
        return self.cli_root.parents[1]

    @property
    def mmdc(self) -> Path:
        """mermaid-cli's own command-line entry point."""
        return self.cli_root / "src" / "cli.js"


def _missing(what: str) -> RendererNotFoundError:
    return RendererNotFoundError(f"Mermaid renderer not found: {what}.\n{INSTALL_HELP}")


def _cli_candidates(cli_dir: str | Path | None, node: Path) -> Iterator[Path]:
    """Yield node_modules directories that may hold mermaid-cli, best first."""
    explicit = [cli_dir, os.environ.get("CRMDSL_MERMAID_CLI_DIR")]
    for directory in explicit:
        if directory:
            yield Path(directory) / "node_modules"
            yield Path(directory)
    yield _CHECKOUT_CLI_DIR
    yield Path.cwd() / "tools" / "mermaid" / "node_modules"
    for entry in os.environ.get("NODE_PATH", "").split(os.pathsep):
        if entry:
            yield Path(entry)
    mmdc = shutil.which("mmdc")
    if mmdc:
        # .../node_modules/@mermaid-js/mermaid-cli/src/cli.js, linked from .../bin/mmdc
        yield Path(mmdc).resolve().parents[3]
    yield node.resolve().parents[1] / "lib" / "node_modules"


def find_renderer(
    *,
    chromium: str | Path | None = None,
    cli_dir: str | Path | None = None,
    node: str | Path | None = None,
) -> RendererSetup:
    """Locate Node, Chromium and mermaid-cli, or raise `RendererNotFoundError`."""
    node_path = node or os.environ.get("CRMDSL_NODE") or shutil.which("node")
    if not node_path or not Path(node_path).is_file():
        raise _missing(f"no Node.js program ({node_path or 'node is not on PATH'})")
    browser = Path(chromium or os.environ.get("CRMDSL_CHROMIUM") or DEFAULT_CHROMIUM)
    if not (browser.is_file() and os.access(browser, os.X_OK)):
        raise _missing(f"no Chromium at {browser}")
    tried: list[str] = []
    for candidate in _cli_candidates(cli_dir, Path(node_path)):
        root = candidate / _CLI_PACKAGE
        if (root / "package.json").is_file():
            return RendererSetup(Path(node_path), browser, root.resolve())
        tried.append(str(candidate))
    raise _missing("no @mermaid-js/mermaid-cli in " + ", ".join(dict.fromkeys(tried)))


class MermaidRenderer:
    """A session with one headless Chromium; render any number of diagrams in it.

    Use as a context manager (``with MermaidRenderer() as renderer: ...``) or call
    `close`. The browser starts on first use.
    """

    def __init__(
        self,
        *,
        chromium: str | Path | None = None,
        cli_dir: str | Path | None = None,
        node: str | Path | None = None,
        jobs: int = 4,
        timeout: float = 120.0,
    ) -> None:
        """Find the renderer (raising `RendererNotFoundError`); start nothing yet.

        ``jobs`` diagrams render at once in separate tabs; ``timeout`` is the most
        seconds one diagram may take.
        """
        self.setup = find_renderer(chromium=chromium, cli_dir=cli_dir, node=node)
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.versions: dict[str, str] = {}
        self._process: subprocess.Popen[str] | None = None
        self._events: queue.Queue[dict[str, object] | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=40)
        self._batch = 0
        self._readers: list[threading.Thread] = []

    def __enter__(self) -> MermaidRenderer:
        """Start the browser."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the browser."""
        self.close()

    def start(self) -> None:
        """Start Node and Chromium, and wait until mermaid-cli is loaded."""
        if self._process is not None:
            return
        command = [
            str(self.setup.node),
            str(_SCRIPT),
            "--chromium",
            str(self.setup.chromium),
            "--cli-dir",
            str(self.setup.node_modules),
            "--jobs",
            str(self.jobs),
        ]
        environment = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
        environment.pop("CRMDSL_MERMAID_CLI_DIR", None)  # already resolved above
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=environment,
            start_new_session=True,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._events = queue.Queue()
        self._stderr.clear()
        self._readers = [
            threading.Thread(target=self._read_events, args=(self._process.stdout,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(self._process.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        ready = self._next_event(self.timeout)
        if ready.get("event") != "ready":
            self.close()
            message = str(ready.get("error", ready))
            if ready.get("code") in {"no-mermaid-cli", "no-browser"}:
                raise _missing(message)
            raise RenderError(f"the Mermaid renderer did not start: {message}")
        self.versions = {
            key: str(ready[key]) for key in ("mermaidCli", "mermaid", "browser") if key in ready
        }

    def close(self) -> None:
        """Stop the browser (it also stops when the Python process ends)."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        try:
            process.stdin.close()  # the script closes the browser at the end of its input
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            # Node and the Chromium it started share a process group of their own.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for reader in self._readers:
            reader.join(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    def render(self, definition: str, fmt: OutputFormat = "svg") -> RenderResult:
        """Render one diagram."""
        return self.render_many([definition], fmt)[0]

    def render_many(
        self, definitions: Sequence[str], fmt: OutputFormat = "svg"
    ) -> list[RenderResult]:
        """Render diagrams in this session's browser; results in input order."""
        self.start()
        process = self._process
        assert process is not None and process.stdin is not None
        self._batch += 1
        prefix = f"{self._batch}:"
        try:
            for index, definition in enumerate(definitions):
                request = {
                    "id": f"{prefix}{index}",
                    "definition": definition,
                    "format": fmt,
                    "mermaidConfig": MERMAID_CONFIG,
                }
                process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except OSError as error:
            raise self._crashed(f"cannot send diagrams: {error}") from error
        results: dict[int, RenderResult] = {}
        # Diagrams render `jobs` at a time, so the batch may take this long in all.
        deadline = time.monotonic() + self.timeout * (1 + len(definitions) / self.jobs)
        while len(results) < len(definitions):
            event = self._next_event(deadline - time.monotonic())
            event_id = str(event.get("id", ""))
            if event.get("event") != "result" or not event_id.startswith(prefix):
                if event.get("event") == "fatal":
                    raise self._crashed(str(event.get("error")))
                continue
            index = int(event_id[len(prefix) :])
            results[index] = _result_from_event(definitions[index], event)
        return [results[index] for index in range(len(definitions))]

    def _next_event(self, timeout: float) -> dict[str, object]:
        try:
            event = self._events.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            self.close()
            raise RenderError(
                f"the Mermaid renderer gave no answer in {self.timeout:g} s"
            ) from None
        if event is None:
            raise self._crashed("the Mermaid renderer stopped")
        return event

    def _crashed(self, message: str) -> RenderError:
        self.close()
        detail = "\n".join(self._stderr)
        return RenderError(f"{message}\n{detail}".rstrip())

    def _read_events(self, stream: IO[str]) -> None:
        for line in stream:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                self._stderr.append(line.rstrip())
                continue
            if isinstance(event, dict):
                self._events.put(event)
        self._events.put(None)

    def _read_stderr(self, stream: IO[str]) -> None:
        for line in stream:
            self._stderr.append(line.rstrip())


def _result_from_event(definition: str, event: dict[str, object]) -> RenderResult:
    if not event.get("ok"):
        return RenderResult(definition, error=str(event.get("error", "unknown error")))
    data = str(event.get("data", ""))
    if event.get("format") == "png":
        return RenderResult(definition, png=base64.b64decode(data))
    return RenderResult(definition, svg=data)


def render_svgs(
    definitions: Sequence[str],
    *,
    fmt: OutputFormat = "svg",
    chromium: str | Path | None = None,
    cli_dir: str | Path | None = None,
) -> list[RenderResult]:
    """Render diagrams in one freshly started browser, then close it."""
    with MermaidRenderer(chromium=chromium, cli_dir=cli_dir) as renderer:
        return renderer.render_many(definitions, fmt)


def render_with_mmdc(
    definition: str,
    *,
    fmt: OutputFormat = "svg",
    chromium: str | Path | None = None,
    cli_dir: str | Path | None = None,
    timeout: float = 120.0,
) -> RenderResult:
    """Render one diagram with a separate ``mmdc`` run (its own Chromium), as a baseline.

    Uses the same Chromium and flags as `MermaidRenderer`, through a puppeteer config
    file.
    """
    setup = find_renderer(chromium=chromium, cli_dir=cli_dir)
    with tempfile.TemporaryDirectory(prefix="crmdsl-mmdc-") as work:
        workdir = Path(work)
        profile = workdir / "profile"
        config = {
            "executablePath": str(setup.chromium),
            "headless": True,
            "userDataDir": str(profile),
            "args": list(CHROMIUM_ARGS),
        }
        (workdir / "puppeteer.json").write_text(json.dumps(config), encoding="utf-8")
        (workdir / "mermaid.json").write_text(json.dumps(MERMAID_CONFIG), encoding="utf-8")
        (workdir / "in.mmd").write_text(definition, encoding="utf-8")
        output = workdir / f"out.{fmt}"
        command = [
            str(setup.node),
            str(setup.mmdc),
            "--quiet",
            "--puppeteerConfigFile",
            str(workdir / "puppeteer.json"),
            "--configFile",
            str(workdir / "mermaid.json"),
            "--input",
            str(workdir / "in.mmd"),
            "--output",
            str(output),
        ]
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
            check=False,
        )
        if completed.returncode != 0 or not output.is_file():
            return RenderResult(definition, error=completed.stderr.strip() or "mmdc failed")
        if fmt == "png":
            return RenderResult(definition, png=output.read_bytes())
        return RenderResult(definition, svg=output.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class RenderTimings:
    """Wall-clock seconds to render the same diagrams both ways."""

    diagrams: int
    one_browser_seconds: float
    mmdc_per_diagram_seconds: float
    failures: list[str] = field(default_factory=list)


def time_renderers(
    definitions: Sequence[str],
    *,
    chromium: str | Path | None = None,
    cli_dir: str | Path | None = None,
) -> RenderTimings:
    """Time one-browser rendering (start-up included) against one ``mmdc`` per diagram."""
    start = time.perf_counter()
    batch = render_svgs(definitions, chromium=chromium, cli_dir=cli_dir)
    one_browser = time.perf_counter() - start
    start = time.perf_counter()
    separate = [render_with_mmdc(text, chromium=chromium, cli_dir=cli_dir) for text in definitions]
    per_process = time.perf_counter() - start
    failures = [
        f"{how} #{index}: {result.error}"
        for how, results in (("one-browser", batch), ("mmdc", separate))
        for index, result in enumerate(results)
        if not result.ok
    ]
    return RenderTimings(len(definitions), one_browser, per_process, failures)


_ACTIVE_ELEMENTS = {"script", "iframe", "object", "embed"}


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def svg_problems(svg: str) -> list[str]:
    """List what is wrong with a rendered SVG: bad XML, active content, ``NaN``.

    Active content is looked for in the parsed tree (elements such as ``<script>``,
    ``on*`` event-handler attributes, ``javascript:`` links), never by searching the
    text, because a label may legitimately say ``onerror=``. ``NaN`` in an attribute
    value (a coordinate, a size) means Mermaid laid something out from a bad number.
    """
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        return [f"the SVG is not well-formed XML: {error}"]
    problems: list[str] = []
    for element in root.iter():
        name = _local_name(element.tag)
        if name in _ACTIVE_ELEMENTS:
            problems.append(f"<{name}> element")
        for attribute, value in element.attrib.items():
            attribute_name = _local_name(attribute)
            if attribute_name.startswith("on"):
                problems.append(f"event-handler attribute {attribute_name} on <{name}>")
            if attribute_name in {"href", "src", "action"} and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"javascript: link on <{name}>")
            if "NaN" in value and attribute_name not in {"class", "id"}:
                problems.append(f"NaN in {attribute_name} of <{name}>: {value[:80]}")
    return problems


def svg_text_nodes(svg: str) -> list[str]:
    """Return the text nodes of an SVG in document order, ``<style>`` excluded."""
    texts: list[str] = []
    _text_nodes(ET.fromstring(svg), texts)
    return texts


def _text_nodes(element: ET.Element, texts: list[str]) -> None:
    if _local_name(element.tag) not in {"style", "script"}:
        if element.text:
            texts.append(element.text)
        for child in element:
            _text_nodes(child, texts)
    if element.tail:
        texts.append(element.tail)
