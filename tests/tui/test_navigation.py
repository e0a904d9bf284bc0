"""Outline, go to definition, references and rename in the editor (crmdsl's navigation API)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crmdsl.tui.app import EditorApp
from crmdsl.tui.widgets.outline import OutlinePane
from tests.tui.conftest import editing, run, settled, until


def _cursor(app: EditorApp) -> tuple[int, int]:
    row, col = app.source.cursor_location
    return row + 1, col + 1


def test_the_outline_follows_the_cursor_and_choosing_an_item_moves_it(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            outline = app.main.query_one(OutlinePane)
            await pilot.press("alt+2", "alt+0")  # the outline tab shown, the focus in the source
            app.source.goto(63, 5)
            await until(lambda: getattr(outline.selected, "id", "") == "lead_to_cash.quote", pilot)
            app.source.goto(53, 9)
            await until(lambda: getattr(outline.selected, "id", "") == "onboarding.demo", pilot)
            assert "moment-of-truth" in outline.selected.marks
            await pilot.press("alt+2", "down")
            target = outline.selected.span
            assert target.line > 53
            await pilot.press("enter")
            await until(lambda: app.source.has_focus, pilot)
            assert _cursor(app) == (target.line, target.col)

    run(body)


def test_the_status_bar_says_what_the_name_under_the_cursor_is(acme: Path) -> None:
    async def body() -> None:
        app = EditorApp(acme, watch=False)
        async with app.run_test(size=(160, 40)) as pilot:
            await settled(app)
            app.source.goto(63, 9)
            await pilot.pause()
            status = str(app.main.query_one("#status").render())
            assert status.endswith('63:9 · step lead_to_cash.quote "Send quote" · owner sales')

    run(body)


def test_f12_goes_to_the_definition_and_the_references_list_jumps(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            app.source.goto(68, 62)  # `-> quote` in step legal
            await pilot.press("f12")
            assert _cursor(app) == (63, 8)
            await pilot.press("shift+f12")
            await until(lambda: app.screen.id == "references-dialog", pilot)
            await pilot.press("down", "enter")
            await until(lambda: app.screen.id != "references-dialog", pilot)
            assert _cursor(app) == (55, 52)

    run(body)


def _shop_texts() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(Path("shop").glob("*.crm"))}


def test_rename_from_the_palette_changes_every_file_and_undoes_in_one_step(shop: Path) -> None:
    before = _shop_texts()

    def count(word: str, texts: dict[str, str]) -> int:
        return sum(len(re.findall(rf"\b{word}\b", text)) for text in texts.values())

    uses = count("ecom", before)

    async def body() -> None:
        async with editing(shop) as (app, pilot):
            app.source.goto(4, 10)  # owner ecom
            await pilot.press("ctrl+p", *"rename", "enter")
            await until(lambda: app.screen.id == "rename-dialog", pilot)
            await pilot.press(*"webshop", "enter")  # the old id is selected: typing replaces it
            await until(lambda: "owner webshop" in app.source.text, pilot)
            await settled(app)
            after = {**_shop_texts(), "shop.crm": app.source.text}  # the open file is not saved
            assert count("webshop", after) == count("webshop", before) + uses
            assert not any(re.search(r"\becom\b", text) for text in after.values())
            assert after["teams.crm"] != before["teams.crm"]
            assert app.snapshot is not None and app.snapshot.loaded
            await pilot.press("ctrl+z")
            await until(
                lambda: _shop_texts_but(app, "shop.crm") == _without(before, "shop.crm"), pilot
            )
            assert app.source.text == before["shop.crm"]

    run(body)


def _without(texts: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in texts.items() if k != name}


def _shop_texts_but(app: Any, name: str) -> dict[str, str]:
    return _without(_shop_texts(), name)


def test_an_included_file_is_checked_live_with_the_rest_of_the_map(shop: Path) -> None:
    async def body() -> None:
        async with editing("shop/teams.crm", root=shop) as (app, pilot):
            assert app.snapshot is not None and app.snapshot.loaded
            app.source.move_cursor((2, 0))  # `team ecom`
            await pilot.press("z", "z", "space")
            await settled(app)
            places = [(p.span.file, p.span.line) for p in app.snapshot.problems if p.span]
            assert ("shop/teams.crm", 3) in places
            assert app.source.mark_at(2) == "error"

    run(body)


def test_a_map_of_several_files_shows_them_in_the_outline_and_opens_them(shop: Path) -> None:
    async def body() -> None:
        async with editing(shop) as (app, pilot):
            await pilot.press("alt+2")
            outline = app.main.query_one(OutlinePane)
            await until(lambda: outline.selected is not None, pilot)
            tree = app.main.query_one("#outline-tree")
            files = [node.data.id for node in tree.root.children]
            assert files[:3] == ["shop/shop.crm", "shop/teams.crm", "shop/systems.crm"]
            teams = tree.root.children[1]
            tree.move_cursor(teams)
            await pilot.press("enter")
            await until(lambda: app.editor_file == "shop/teams.crm", pilot)
            await settled(app)
            assert app.source.text == Path("shop/teams.crm").read_text()
            assert "shop/teams.crm" in str(app.main.query_one("#status").render())

    run(body)
