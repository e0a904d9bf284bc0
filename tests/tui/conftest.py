"""Fixtures for the editor's tests: a copy of a map in a temporary folder, a pinned screen.

Snapshots are stable only in a pinned environment: no NO_COLOR (the root conftest sets it
for CLI output), no TEXTUAL_THEME, no animations, the cursor not blinking, every worker
finished, and the map opened by a relative name (the status bar shows it).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TIMEOUT = 30.0


@pytest.fixture(autouse=True)
def pinned_screen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment snapshots and key handling depend on."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "FORCE_COLOR", "TEXTUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("CRMDSL_JOBS", "1")
    yield


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder (maps are opened by relative names)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def acme(workdir: Path) -> Path:
    """examples/acme.crm copied to `acme.crm` in the current folder."""
    shutil.copy(EXAMPLES / "acme.crm", workdir / "acme.crm")
    return Path("acme.crm")


@pytest.fixture
def shop(workdir: Path) -> Path:
    """examples/shop (a root and its fragments) copied to `shop/`."""
    shutil.copytree(EXAMPLES / "shop", workdir / "shop")
    return Path("shop/shop.crm")


@asynccontextmanager
async def editing(path: Any, **options: Any) -> AsyncIterator[tuple[Any, Any]]:
    """The editor on `path` in a 140x40 test terminal, once its first analysis is shown."""
    from crmdsl.tui.app import EditorApp

    app = EditorApp(path, watch=options.pop("watch", False), **options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settled(app)
        yield app, pilot


async def settled(app: Any) -> None:
    """Wait until the app shows the analysis and preview of its current text."""
    await asyncio.wait_for(app.wait_until_settled(), TIMEOUT)


async def until(check: Callable[[], bool], pilot: Any) -> None:
    """Let the app run until `check()` holds (it waits on the app, never on a clock)."""

    async def loop() -> None:
        while not check():
            await pilot.pause()

    await asyncio.wait_for(loop(), TIMEOUT)


def run(coro: Callable[[], Awaitable[None]]) -> None:
    """Run an async test body."""
    asyncio.run(coro())  # type: ignore[arg-type]


async def answer(app: Any, pilot: Any, dialog: str, choice: str) -> None:
    """Wait for a dialog, press one of its buttons, wait until it is gone."""
    await until(
        lambda: app.screen.id == dialog and bool(app.screen.query(f"#answer-{choice}")), pilot
    )
    await pilot.click(f"#answer-{choice}")
    await until(lambda: app.screen.id != dialog, pilot)
