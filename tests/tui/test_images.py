"""The preview as a real image in terminals that show images (Kitty graphics or Sixel).

The editor is told the terminal's protocol (as `crmdsl edit` does after asking the
terminal); the diagram under the cursor is rendered by the real renderer (mermaid-cli in
headless Chromium), which CI installs: without it these tests skip, except under CI.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image as PILImage
from textual_image.widget import SixelImage, TGPImage

import crmdsl
from crmdsl.tui.config import Settings, TuiConfig, parse_tui
from crmdsl.tui.images import PngRenderer, graphics_protocol
from crmdsl.tui.widgets.preview import PreviewPane
from tests.tui.conftest import editing, run, until

pytestmark = pytest.mark.mermaid


@pytest.fixture(scope="module", autouse=True)
def renderer_installed() -> None:
    try:
        crmdsl.MermaidRenderer()
    except crmdsl.CrmdslError as error:
        reason = str(error).splitlines()[0]
        if os.environ.get("CI"):
            pytest.fail(f"CI must render in real Mermaid: {reason}")
        pytest.skip(f"{reason} (run .ci/install-mermaid.sh)")


@pytest.mark.parametrize(("protocol", "kind"), [("tgp", TGPImage), ("sixel", SixelImage)])
def test_the_drawing_tab_shows_the_rendered_diagram(acme: Path, protocol: str, kind: type) -> None:
    async def body() -> None:
        async with editing(acme, graphics=protocol) as (app, pilot):
            app.source.goto(63, 5)  # in the process `lead_to_cash`
            await pilot.press("alt+3")
            pane = app.query_one(PreviewPane)
            await until(lambda: pane.diagram is not None and pane.diagram.view == "process", pilot)
            await pilot.press("d")
            await until(lambda: bool(pane.query("#preview-image")), pilot)
            image = pane.query_one("#preview-image", kind)
            picture = image.image
            assert isinstance(picture, PILImage.Image)
            assert picture.width > 200 and picture.height > 100
            assert pane.drawing_for == pane.diagram.text
            title = str(pane.query_one("#preview-drawing").render())
            assert title.startswith("Rendered by Mermaid:")
            # another diagram replaces the image
            app.source.goto(1, 1)
            await until(lambda: pane.diagram is not None and pane.diagram.view == "overview", pilot)
            await until(lambda: pane.drawing_for == pane.diagram.text, pilot)
            assert len(pane.query("#preview-image")) == 1
            assert pane.query_one("#preview-image", kind).image is not picture
        app.pngs.close()

    run(body)


def test_a_failed_render_falls_back_to_the_terminal_drawing(acme: Path) -> None:
    class Failing(PngRenderer):
        def png(self, text: str) -> bytes:
            raise crmdsl.CrmdslError("the renderer stopped")

    async def body() -> None:
        async with editing(acme, graphics="tgp") as (app, pilot):
            app.pngs = Failing()
            app.source.goto(63, 5)
            await pilot.press("alt+3")
            pane = app.query_one(PreviewPane)
            await until(lambda: pane.diagram is not None and pane.diagram.view == "process", pilot)
            await pilot.press("d")
            await until(lambda: pane.drawing_for is not None, pilot)
            shown = str(pane.query_one("#preview-drawing").render())
            assert shown.startswith("No image (the renderer stopped); a terminal drawing instead.")
            assert "┌" in shown  # termaid's boxes
            assert not pane.query("#preview-image")

    run(body)


def test_images_off_in_the_config_keeps_the_terminal_drawing(acme: Path) -> None:
    tui, problems = parse_tui({"images": "off"}, "crmdsl.toml")
    assert problems == [] and tui.images == "off"

    async def body() -> None:
        settings = Settings(crmdsl.config_for(acme), TuiConfig(images="off"))
        async with editing(acme, graphics="tgp", settings=settings) as (app, pilot):
            assert app.graphics is None

    run(body)


def test_a_bad_images_setting_is_reported() -> None:
    _, problems = parse_tui({"images": "sometimes"}, "crmdsl.toml")
    assert problems == [
        "crmdsl.toml: unknown or bad tui setting `images`; the settings are theme, "
        "debounce-ms, preview-max-nodes, images (auto or off), keys"
    ]


def test_no_terminal_means_no_images() -> None:
    """Under pytest stdout is not a terminal: nothing is asked, no protocol."""
    assert graphics_protocol() is None


def test_the_renderer_keeps_recent_images() -> None:
    renderer = PngRenderer()
    try:
        first = renderer.png("flowchart LR\n  a --> b\n")
        assert PILImage.open(BytesIO(first)).format == "PNG"
        assert renderer.png("flowchart LR\n  a --> b\n") is first
    finally:
        renderer.close()


def test_export_view_as_svg_from_the_palette(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            app.source.goto(63, 5)
            await until(lambda: app.query_one(PreviewPane).diagram is not None, pilot)
            await until(
                lambda: app.query_one(PreviewPane).diagram.name == "process-lead_to_cash",
                pilot,
            )
            await pilot.press("ctrl+p", *"as .svg", "enter")
            target = Path("acme-process-lead_to_cash.svg")
            await until(lambda: target.exists() and target.stat().st_size > 0, pilot)
            await until(lambda: not any(w.group == "export" for w in app.workers), pilot)

    run(body)
    svg = Path("acme-process-lead_to_cash.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "Send quote" in svg
