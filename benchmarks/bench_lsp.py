"""Language server speed over the real protocol: `crmdsl lsp` as a subprocess, JSON-RPC over stdio.

Prints the time to answer `initialize` (from starting the process), then for generated
maps of 1k and 10k lines: the first diagnostics after opening, a keystroke to its
published diagnostics (p50 and p95 of 20 keystrokes, each an incremental change inside a
label), hover and completion latency (p50 and p95 of 30 requests), and the server's
memory (VmHWM, the peak resident set). Targets: keystroke p95 <= 100 ms (1k) and
<= 400 ms (10k); hover and completion p95 <= 50 ms (10k); memory <= 300 MB (10k).

    python benchmarks/bench_lsp.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_map import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:6.1f} ms   p95 {p95(values) * 1000:6.1f} ms"


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("bench", "1")
        self.arrived: dict[str, asyncio.Event] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def published(params: t.PublishDiagnosticsParams) -> None:
            event = self.arrived.get(params.uri)
            if event is not None:
                event.set()

    async def start(self, folder: Path) -> float:
        start = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        await self.client.start_io(sys.executable, "-m", "crmdsl", "lsp", cwd=str(folder), env=env)
        await self.client.initialize_async(
            t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=folder.as_uri())
        )
        took = time.perf_counter() - start
        self.client.initialized(t.InitializedParams())
        return took

    async def diagnostics_after(self, uri: str, send: object) -> float:
        event = self.arrived[uri] = asyncio.Event()
        start = time.perf_counter()
        send()  # type: ignore[operator]
        await asyncio.wait_for(event.wait(), 60)
        return time.perf_counter() - start

    def memory_mb(self) -> float:
        server = self.client._server
        assert server is not None
        status = Path(f"/proc/{server.pid}/status").read_text(encoding="utf-8")
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # type: ignore[no-untyped-call]


async def one_size(lines: int, folder: Path) -> None:
    text = generate(lines)
    path = folder / f"map{lines}.crm"
    path.write_text(text, encoding="utf-8")
    uri = path.resolve().as_uri()
    bench = Bench()
    await bench.start(folder)
    item = t.TextDocumentItem(uri=uri, language_id="crmdsl", version=1, text=text)
    first = await bench.diagnostics_after(
        uri,
        lambda: bench.client.text_document_did_open(
            t.DidOpenTextDocumentParams(text_document=item)
        ),
    )
    all_lines = text.split("\n")
    targets = [n for n, x in enumerate(all_lines) if x.startswith("    touchpoint ad ")][:20]
    keystrokes: list[float] = []
    for version, line in enumerate(targets, start=2):
        column = all_lines[line].index('"') + 1
        where = t.Range(
            start=t.Position(line=line, character=column),
            end=t.Position(line=line, character=column),
        )
        change = t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[t.TextDocumentContentChangePartial(range=where, text="x")],
        )
        keystrokes.append(
            await bench.diagnostics_after(
                uri, lambda c=change: bench.client.text_document_did_change(c)
            )
        )
    hovers, completions = await questions(bench, uri, all_lines)
    print(f"{lines:>6} lines: first diagnostics {first * 1000:7.1f} ms")
    print(f"        keystroke -> diagnostics  {ms(keystrokes)}")
    print(f"        hover                     {ms(hovers)}")
    print(f"        completion                {ms(completions)}")
    print(f"        server memory (VmHWM)     {bench.memory_mb():6.1f} MB")
    await bench.stop()


async def questions(bench: Bench, uri: str, lines: list[str]) -> tuple[list[float], list[float]]:
    owners = [(n, x.index("owner ") + 6) for n, x in enumerate(lines) if "owner sales" in x][:30]
    doc = t.TextDocumentIdentifier(uri=uri)
    hovers: list[float] = []
    completions: list[float] = []
    for line, col in owners:
        at = t.Position(line=line, character=col + 1)
        start = time.perf_counter()
        await bench.client.text_document_hover_async(t.HoverParams(text_document=doc, position=at))
        hovers.append(time.perf_counter() - start)
        start = time.perf_counter()
        await bench.client.text_document_completion_async(
            t.CompletionParams(text_document=doc, position=t.Position(line=line, character=col))
        )
        completions.append(time.perf_counter() - start)
    return hovers, completions


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        starts = []
        for _ in range(5):
            bench = Bench()
            starts.append(await bench.start(folder))
            await bench.stop()
        print(
            f"initialize answered after starting the process: median {statistics.median(starts) * 1000:.0f} ms"
        )
        for lines in (1_000, 10_000):
            await one_size(lines, folder)


if __name__ == "__main__":
    asyncio.run(main())
