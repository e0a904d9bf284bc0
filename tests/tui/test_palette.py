"""The palette's format and fix-all commands, and ctrl+click, as a user drives them."""

from __future__ import annotations

from pathlib import Path

import crmdsl
from tests.tui.conftest import editing, run, settled, until

FIXTURES = Path(__file__).parents[1] / "rules" / "fixtures"


def test_format_from_the_palette_is_one_undo_step(workdir: Path) -> None:
    text = 'map "Loose"\n\nteam   sales    "Sales"\nsystem  crm "CRM"   owner   sales\n'
    Path("loose.crm").write_text(text)
    formatted = crmdsl.format_text(text)
    assert formatted != text

    async def body() -> None:
        async with editing("loose.crm") as (app, pilot):
            await pilot.press("ctrl+p", *"format the", "enter")
            await until(lambda: app.source.text == formatted, pilot)
            assert app.modified
            app.source.focus()
            await pilot.press("ctrl+z")
            assert app.source.text == text

    run(body)


def test_apply_all_safe_fixes_from_the_palette_is_one_undo_step(workdir: Path) -> None:
    text = (FIXTURES / "D302" / "fires.crm").read_text()
    Path("d302.crm").write_text(text)

    async def body() -> None:
        async with editing("d302.crm") as (app, pilot):
            assert app.snapshot is not None
            assert any(p.code == "D302" for p in app.snapshot.problems)
            await pilot.press("ctrl+p", *"all safe", "enter")
            await until(lambda: app.source.text != text, pilot)
            await settled(app)
            assert not any(p.code == "D302" for p in app.snapshot.problems)
            app.source.focus()
            await pilot.press("ctrl+z")
            assert app.source.text == text

    run(body)


def test_ctrl_click_on_a_reference_goes_to_its_definition(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            assert app.source.document.get_line(67)[57:] == "-> quote"  # in step legal
            app.source.goto(68, 58)  # the cursor on the `->`
            await pilot.pause()
            x, y = app.source.cursor_screen_offset
            await pilot.click(offset=(x + 4, y), control=True)  # on `quote`
            await until(lambda: app.source.cursor_location == (62, 7), pilot)

    run(body)
