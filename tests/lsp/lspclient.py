"""The client of the language server tests: `crmdsl lsp` started as a subprocess, spoken to over stdio.

`Session` wraps pygls's `LanguageClient`: it starts `python -m crmdsl lsp`, initializes,
collects the diagnostics the server publishes (`wait_diagnostics` waits on the server's
own notification, never on a clock), opens and changes documents, and shuts the server
down as an editor does (`shutdown`, `exit`), checking that it exits with 0.
`lsp_run(folder, scenario)` runs one scenario against a fresh server.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20.0


class Session:
    """One server and the client speaking to it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.client = LanguageClient("crmdsl-tests", "1")
        self.diagnostics: dict[str, list[t.Diagnostic]] = {}
        self.arrived = asyncio.Condition()
        self.versions: dict[str, int] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        async def published(params: t.PublishDiagnosticsParams) -> None:
            async with self.arrived:
                self.diagnostics[params.uri] = list(params.diagnostics)
                self.arrived.notify_all()

    async def start(self) -> t.InitializeResult:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        await self.client.start_io(
            sys.executable, "-m", "crmdsl", "lsp", cwd=str(self.folder), env=env
        )
        result = await self.client.initialize_async(
            t.InitializeParams(
                capabilities=t.ClientCapabilities(),
                root_uri=self.folder.as_uri(),
                workspace_folders=[t.WorkspaceFolder(uri=self.folder.as_uri(), name="maps")],
            )
        )
        self.client.initialized(t.InitializedParams())
        self.result = result
        return result

    async def stop(self) -> int | None:
        """Shut the server down as an editor does; its exit code."""
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # type: ignore[no-untyped-call]
        server = self.client._server
        return None if server is None else await asyncio.wait_for(server.wait(), TIMEOUT)

    def send_raw(self, body: bytes) -> None:
        """Send a message as given, headers added (a malformed request, junk)."""
        writer = self.client.protocol.writer
        assert writer is not None
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def uri(self, name: str) -> str:
        return (self.folder / name).resolve().as_uri()

    def text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    async def open(self, name: str, text: str | None = None) -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        async with self.arrived:
            self.diagnostics.pop(uri, None)
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(
                    uri=uri,
                    language_id="crmdsl",
                    version=1,
                    text=text if text is not None else self.text(name),
                )
            )
        )
        return uri

    async def create(self, name: str, text: str) -> str:
        """Write a new file in the folder and open it."""
        (self.folder / name).write_text(text, encoding="utf-8")
        return await self.open(name)

    async def code_actions(self, uri: str, diagnostic: t.Diagnostic) -> list[t.CodeAction]:
        """The code actions offered for one diagnostic."""
        found = await self.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=t.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        return [a for a in found or [] if isinstance(a, t.CodeAction)]

    async def change(self, uri: str, line: int, start: int, end: int, new: str) -> None:
        """Replace characters `start:end` of 0-based `line` (an incremental change)."""
        self.versions[uri] += 1
        async with self.arrived:
            self.diagnostics.pop(uri, None)
        rng = t.Range(
            start=t.Position(line=line, character=start), end=t.Position(line=line, character=end)
        )
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[t.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    async def wait_diagnostics(
        self, uri: str, until: Callable[[list[t.Diagnostic]], bool] = lambda d: True
    ) -> list[t.Diagnostic]:
        async def arrived() -> list[t.Diagnostic]:
            async with self.arrived:
                await self.arrived.wait_for(
                    lambda: uri in self.diagnostics and until(self.diagnostics[uri])
                )
                return self.diagnostics[uri]

        return await asyncio.wait_for(arrived(), TIMEOUT)

    def at(self, uri: str, line: int, character: int) -> t.TextDocumentPositionParams:
        return t.TextDocumentPositionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=line, character=character),
        )


def where(text: str, line_has: str, token: str) -> tuple[int, int]:
    """0-based (line, character) of `token` on the first line containing `line_has`."""
    for number, line in enumerate(text.split("\n")):
        if line_has in line:
            return number, line.index(token)
    raise AssertionError(f"no line with {line_has!r}")


def copy_examples(folder: Path) -> Path:
    """acme.crm and the multi-file shop map in `folder`, to change freely."""
    shutil.copy(EXAMPLES / "acme.crm", folder / "acme.crm")
    shutil.copytree(EXAMPLES / "shop", folder / "shop")
    return folder


def lsp_run(folder: Path, scenario: Callable[[Session], Awaitable[None]]) -> None:
    """Start a server for `folder`, run the scenario, shut the server down."""

    async def main() -> None:
        session = Session(folder)
        await session.start()
        try:
            await asyncio.wait_for(scenario(session), 3 * TIMEOUT)
        finally:
            code = await session.stop()
        assert code == 0, f"the server exited with {code}"

    asyncio.run(main())
