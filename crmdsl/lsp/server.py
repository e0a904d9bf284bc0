"""The language server: JSON-RPC over stdio (or TCP) in, diagnostics and answers out.

Built on pygls. Open, change and save re-analyse the file's map after a short pause
(`DEBOUNCE` seconds; a keystroke during the pause starts it again), in one worker
thread, and publish every file's problems (load errors, or lint findings once the map
loads). Questions about positions are answered from the latest analysis through the
navigation API; edits (rename, fixes, formatting) wait for an analysis of the current
text. The handlers themselves are in `crmdsl.lsp.features` and `crmdsl.lsp.changes`.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

import crmdsl
from crmdsl.lsp.convert import Positions, docs_base, lsp_diagnostic, resolved, to_uri
from crmdsl.lsp.state import MapResult, State

__all__ = ["DEBOUNCE", "CrmServer", "build_server"]

DEBOUNCE = 0.025
_log = logging.getLogger(__name__)


class CrmServer(LanguageServer):
    """The server with the state of the maps it serves."""

    def __init__(self) -> None:
        super().__init__(
            "crmdsl", crmdsl.__version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental
        )
        self.state = State()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crmdsl-analysis")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: dict[str, set[str]] = {}
        self.docs = docs_base()
        self.positions = Positions(self.lines_of)
        self._lines: dict[str, tuple[str, list[str]]] = {}

    # -- files ---------------------------------------------------------------------

    def path_of(self, uri: str) -> str | None:
        """The resolved path of a file URI (None for other schemes)."""
        path = to_fs_path(uri)
        return resolved(path) if path else None

    def lines_of(self, path: str) -> list[str]:
        """A file's lines: the editor's text when open, else the analysis's or the disk's."""
        text = self.state.texts.get(path)
        if text is not None:
            cached = self._lines.get(path)
            if cached is None or cached[0] is not text:
                cached = self._lines[path] = (text, text.split("\n"))
            return cached[1]
        root = self.state.roots.get(path)
        result = self.state.results.get(root) if root else None
        if result is not None and path in result.files:
            return result.analysis.sources[result.files[path]].lines
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            return []

    def text_of(self, uri: str) -> str:
        """The editor's text of a document."""
        return self.workspace.get_text_document(uri).source.replace("\r\n", "\n")

    # -- analysis ------------------------------------------------------------------

    def changed(self, uri: str, delay: float = DEBOUNCE) -> None:
        """A document changed: note its text and analyse its map after `delay`."""
        path = self.path_of(uri)
        if path is None:
            return
        self.state.open(path, self.text_of(uri))
        self.schedule(path, delay)

    def schedule(self, path: str, delay: float) -> None:
        """Analyse the map of a file after `delay` (a newer call starts the pause again)."""
        task = self.pending.pop(path, None)
        if task is not None:
            task.cancel()
        self.pending[path] = asyncio.ensure_future(self._analyse_later(path, delay))

    async def _analyse_later(self, path: str, delay: float) -> None:
        await asyncio.sleep(delay)
        result = await self.run(self._analyse, path)
        self.pending.pop(path, None)
        self.publish(result)
        # build the symbol index now, so that the next question finds it ready
        await self.run(crmdsl.symbol_at, result.analysis, path, 0, 0)

    def _analyse(self, path: str) -> MapResult:
        return self.state.analyse(self.state.root_of(path))

    async def run(self, function: Any, *args: Any) -> Any:
        """Run `function(*args)` in the analysis thread."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, function, *args)

    async def fresh(self, path: str) -> MapResult:
        """The result of the file's map for the texts as they are now."""
        task = self.pending.get(path)
        if task is not None and not task.done():
            task.cancel()
            self.pending.pop(path, None)
            result: MapResult = await self.run(self._analyse, path)
            self.publish(result)
            return result
        found = self.current(path)
        if found is None:
            found = await self.run(self._analyse, path)
        return found

    def current(self, path: str) -> MapResult | None:
        """The latest result of the file's map when it was made from the text open now."""
        root = self.state.roots.get(path)
        result = self.state.results.get(root) if root else None
        if result is None or path not in result.files:
            return None
        text = self.state.texts.get(path)
        source = result.analysis.sources[result.files[path]]
        return result if text is None or source.text == text else None

    def latest(self, path: str) -> MapResult | None:
        """The latest result of the file's map, current or not (for questions)."""
        root = self.state.roots.get(path)
        result = self.state.results.get(root) if root else None
        return result if result is not None and path in result.files else None

    def publish(self, result: MapResult) -> None:
        """Publish the problems of every file of a map (an empty list clears a file)."""
        by_file: dict[str, list[t.Diagnostic]] = {path: [] for path in result.files}
        for problem in result.problems:
            path = resolved(problem.span.file) if problem.span is not None else result.root
            by_file.setdefault(path, []).append(lsp_diagnostic(problem, self.positions, self.docs))
        before = self.published.get(result.root, set())
        for gone in before - set(by_file):
            by_file[gone] = []
        self.published[result.root] = {p for p, found in by_file.items() if found}
        for path, found in sorted(by_file.items()):
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=to_uri(path), diagnostics=found)
            )


def build_server() -> CrmServer:
    """A server with every feature registered."""
    from crmdsl.lsp import changes, features

    server = CrmServer()
    _register_sync(server)
    features.register(server)
    changes.register(server)
    return server


def _register_sync(server: CrmServer) -> None:
    @server.feature(t.INITIALIZE)
    def initialize(ls: CrmServer, params: t.InitializeParams) -> None:
        folders = [f.uri for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        ls.state.folders = [p for p in (ls.path_of(u) for u in folders) if p]
        encoding = ls.workspace.position_encoding
        ls.positions.utf16 = encoding not in (t.PositionEncodingKind.Utf32, "utf-32")

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CrmServer, params: t.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, delay=0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CrmServer, params: t.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CrmServer, params: t.DidSaveTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is not None:
            ls.state.forget(path)
        ls.changed(params.text_document.uri, delay=0)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CrmServer, params: t.DidCloseTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is not None:
            ls.state.close(path)  # its text comes from the disk again
            ls.schedule(path, 0)


def serve(tcp: tuple[str, int] | None = None) -> None:
    """Run the server on stdio, or on TCP at `tcp` (host, port), until the client exits."""
    server = build_server()
    if tcp is None:
        server.start_io()
    else:
        server.start_tcp(*tcp)
