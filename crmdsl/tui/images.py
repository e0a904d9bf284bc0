"""Diagrams as real images, in terminals that show images (Sixel or Kitty graphics).

In: the Mermaid text of the previewed diagram. Out: a PNG of it, rendered by crmdsl's
own renderer (mermaid-cli in headless Chromium; one browser kept open for the editor's
life and used from a worker thread, so the event loop never waits on it), and the
textual-image widget that shows it.

`graphics_protocol()` asks the terminal what it can show. It must run before the app
starts: once Textual owns the terminal, the terminal's answer cannot be read. The
`images` setting of `[tool.crmdsl.tui]` (`auto`, the default, or `off`) chooses;
elsewhere the preview keeps its terminal drawing.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from io import BytesIO
from typing import Any, Literal

from textual.widget import Widget

import crmdsl

__all__ = [
    "PROTOCOLS",
    "GraphicsProtocol",
    "PngRenderer",
    "graphics_protocol",
    "image_widget",
    "picture_of",
]

GraphicsProtocol = Literal["sixel", "tgp"]
#: The protocols an image can be shown with, as `--images` names them.
PROTOCOLS: tuple[GraphicsProtocol, ...] = ("sixel", "tgp")
#: Rendered diagrams kept, by Mermaid text (moving the cursor back shows them at once).
_KEEP = 16


def graphics_protocol() -> GraphicsProtocol | None:
    """The image protocol the terminal on stdout answers to, or None (no terminal, none)."""
    stdout = sys.__stdout__
    if stdout is None or not stdout.isatty():
        return None
    try:
        from textual_image import renderable
    except Exception:  # noqa: BLE001 - an odd terminal's answer is no reason to fail
        return None
    if renderable.Image is renderable.SixelImage:
        return "sixel"
    if renderable.Image is renderable.TGPImage:
        return "tgp"
    return None


class PngRenderer:
    """PNGs of Mermaid texts from one browser, started on first use; thread-safe."""

    def __init__(self) -> None:
        self._renderer: crmdsl.MermaidRenderer | None = None
        self._lock = threading.Lock()
        self._done: OrderedDict[str, bytes] = OrderedDict()

    def png(self, text: str) -> bytes:
        """The PNG of a diagram; `CrmdslError` when the renderer is missing or it fails."""
        with self._lock:
            if text in self._done:
                self._done.move_to_end(text)
                return self._done[text]
            if self._renderer is None:
                self._renderer = crmdsl.MermaidRenderer(jobs=1, timeout=30.0)
            result = self._renderer.render_many([text], "png")[0]
            if result.png is None:
                raise crmdsl.CrmdslError(result.error or "the renderer gave no image")
            self._done[text] = result.png
            while len(self._done) > _KEEP:
                self._done.popitem(last=False)
            return result.png

    def close(self) -> None:
        """Close the browser, if one was started (a render in progress then fails)."""
        renderer, self._renderer = self._renderer, None
        if renderer is not None:
            renderer.close()


def picture_of(png: bytes) -> Any:
    """The decoded picture of a PNG (a PIL image)."""
    from PIL import Image as PILImage

    picture = PILImage.open(BytesIO(png))
    picture.load()
    return picture


def image_widget(picture: Any, protocol: GraphicsProtocol, widget_id: str) -> Widget:
    """A widget showing `picture` with `protocol`, as wide as its container allows."""
    from textual_image.widget import SixelImage, TGPImage

    kind = SixelImage if protocol == "sixel" else TGPImage
    return kind(picture, id=widget_id)
