"""The editor driven by Pilot: problems as you type, jumps, fixes, preview, save, quit, crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Select

from crmdsl.tui.app import EditorApp
from crmdsl.tui.files import recovery_path
from crmdsl.tui.widgets.preview import PreviewPane
from crmdsl.tui.widgets.problems import ProblemsPane
from tests.tui.conftest import answer, editing, run, settled, until


def _problem_lines(app: EditorApp) -> list[tuple[str, int]]:
    assert app.snapshot is not None
    return [(p.code or p.kind, p.span.line) for p in app.snapshot.problems if p.span]


def test_a_broken_line_shows_a_problem_at_its_line_and_fixing_it_clears_it(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            assert app.snapshot is not None and app.snapshot.loaded
            app.source.goto(62, 1)  # the `step quote` line
            app.source.move_cursor((62, len(app.source.document.get_line(62))))
            await pilot.press("space", "s", "l", "a", "space", "x")
            await settled(app)
            assert [line for _, line in _problem_lines(app)] == [63]
            table = app.query_one(ProblemsPane)
            assert any(p.span and p.span.line == 63 for p in table.shown)
            status = str(app.query_one("#status").render())
            assert "✖ 1" in status and "modified" in status
            await pilot.press("backspace", "2", "d")
            await settled(app)
            assert app.snapshot.loaded
            assert all(line != 63 for _, line in _problem_lines(app))

    run(body)


def test_choosing_a_problem_moves_the_cursor_to_it(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            await pilot.press("alt+1")
            pane = app.query_one(ProblemsPane)
            target = pane.shown[2]
            await pilot.press("down", "down", "enter")
            await until(lambda: app.source.has_focus, pilot)
            row, col = app.source.cursor_location
            assert (row + 1, col + 1) == (target.span.line, target.span.col)

    run(body)


def test_the_severity_filter_shows_only_warnings_and_worse(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            await pilot.press("alt+1", "s", "s")
            pane = app.query_one(ProblemsPane)
            assert pane.severity_filter == "warnings"
            assert pane.shown and {p.severity for p in pane.shown} == {"warning"}
            assert len(pane.shown) < len(pane.problems)

    run(body)


def test_F_applies_a_safe_fix_as_one_undo_step(workdir: Path) -> None:
    text = (Path(__file__).parents[1] / "rules/fixtures/D302/fires.crm").read_text()
    Path("d302.crm").write_text(text)

    async def body() -> None:
        async with editing("d302.crm") as (app, pilot):
            pane = app.query_one(ProblemsPane)
            await pilot.press("alt+1")
            index = next(i for i, p in enumerate(pane.shown) if p.code == "D302")
            for _ in range(index):
                await pilot.press("down")
            line = pane.shown[index].span.line
            await pilot.press("F")
            await settled(app)
            assert "pii" in app.source.document.get_line(line - 1)
            assert all(p.span.line != line for p in app.snapshot.problems if p.code == "D302")
            app.source.focus()
            await pilot.press("ctrl+z")
            assert app.source.text == text

    run(body)


def test_the_preview_follows_the_cursor(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            preview = app.query_one(PreviewPane)
            assert preview.diagram is not None and preview.diagram.name == "overview"
            app.source.goto(63, 5)
            await until(lambda: preview.diagram.name == "process-lead_to_cash", pilot)
            app.source.goto(47, 5)
            await until(lambda: preview.diagram.name == "journey-onboarding", pilot)
            assert "SMB onboarding" in app.query_one("#preview-text").text

    run(body)


def test_the_preview_shows_a_goals_chart_and_the_emotion_curve(shop: Path) -> None:
    async def body() -> None:
        async with editing("shop/goals.crm", root="shop/shop.crm") as (app, pilot):
            preview = app.query_one(PreviewPane)
            app.source.goto(24, 3)  # in goal cut_service_cost
            await until(
                lambda: preview.diagram is not None and preview.diagram.view == "goals", pilot
            )
            assert preview.diagram is not None
            assert "\nxychart-beta" in preview.diagram.text
            assert "Cut the cost of service by 20%" in preview.diagram.title
            app.source.goto(12, 3)  # in goal keep_revenue: one chart per unit, the first
            await until(lambda: preview.diagram.name.startswith("goals-keep_revenue"), pilot)
            await pilot.press("alt+3")
            select = app.query_one("#preview-view", Select)
            select.value = "scores"
            await until(lambda: preview.diagram.view == "scores", pilot)
            assert "\nxychart-beta" in preview.diagram.text

    run(body)


def test_save_keeps_bom_crlf_and_permissions(workdir: Path) -> None:
    original = Path(__file__).parents[2] / "examples/acme.crm"
    data = b"\xef\xbb\xbf" + original.read_bytes().replace(b"\n", b"\r\n")
    target = Path("crlf.crm")
    target.write_bytes(data)
    target.chmod(0o640)

    async def body() -> None:
        async with editing(target) as (app, pilot):
            assert "\r" not in app.source.text
            app.source.move_cursor((0, 0))
            await pilot.press("#", "space")
            await pilot.press("ctrl+s")
            assert "saved" in str(app.query_one("#status").render())

    run(body)
    saved = target.read_bytes()
    assert saved == b"\xef\xbb\xbf# " + data[3:]
    assert target.stat().st_mode & 0o777 == 0o640
    assert not recovery_path(target).exists()


def test_save_through_a_symbolic_link_writes_the_target_and_keeps_the_link(
    workdir: Path,
) -> None:
    """Deliberate bug caught: a rename over the link replaced it with a regular file."""
    real = Path("maps") / "acme.crm"
    real.parent.mkdir()
    real.write_text((Path(__file__).parents[2] / "examples/acme.crm").read_text())
    link = Path("acme.crm")
    link.symlink_to(real)

    async def body() -> None:
        async with editing(link) as (app, pilot):
            app.source.move_cursor((0, 0))
            await pilot.press("#", "space")
            await pilot.press("ctrl+s")

    run(body)
    assert link.is_symlink()
    assert real.read_text().startswith("# # Acme Corp")


def test_quitting_with_changes_asks_and_cancel_keeps_the_editor(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            await pilot.press("x", "ctrl+q")
            await answer(app, pilot, "quit-dialog", "cancel")
            assert app.is_running and app.modified
            await pilot.press("ctrl+q")
            await answer(app, pilot, "quit-dialog", "save")
            await until(lambda: not app.is_running, pilot)
        assert app.return_code == 0

    run(body)
    assert acme.read_text().startswith("x# Acme")


def test_a_crash_leaves_a_recovery_copy_and_the_next_start_offers_it(acme: Path) -> None:
    class Boom(Exception):
        pass

    def explode() -> None:
        raise Boom("a bug")

    async def crash() -> None:
        app = EditorApp(acme, watch=False)
        with pytest.raises(Boom):
            async with app.run_test(size=(140, 40)) as pilot:
                await settled(app)
                await pilot.press("z", "z")
                app.action_next_problem = explode  # type: ignore[method-assign]
                await pilot.press("f8")
        assert recovery_path(acme).read_text().startswith("zz# Acme")

    async def restart() -> None:
        app = EditorApp(acme, watch=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await answer(app, pilot, "recovery-dialog", "restore")
            await until(lambda: app.source.text.startswith("zz# Acme"), pilot)
            assert app.modified

    run(crash)
    run(restart)


def test_a_missing_file_starts_from_a_template_that_loads(workdir: Path) -> None:
    async def body() -> None:
        app = EditorApp("new_map.crm", watch=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await answer(app, pilot, "template-dialog", "template")
            await until(lambda: app.modified, pilot)
            await settled(app)
            assert app.source.text.startswith('map "New Map"')
            assert app.snapshot is not None and app.snapshot.loaded, app.snapshot
            await pilot.press("ctrl+s")
        assert Path("new_map.crm").read_text().startswith('map "New Map"')

    run(body)


def test_a_missing_file_can_be_written_by_the_interview_in_the_assistant_pane(
    workdir: Path,
) -> None:
    """Each answer rebuilds the editor's text; the last says what to map next."""
    from textual.widgets import Markdown, TabbedContent

    from crmdsl.assistant.interview import QUESTIONS
    from crmdsl.tui.widgets.assistant import AssistantPane

    async def body() -> None:
        app = EditorApp("fresh.crm", watch=False)
        async with app.run_test(size=(140, 40)) as pilot:
            await answer(app, pilot, "template-dialog", "interview")
            pane = app.query_one("#assistant-pane", AssistantPane)
            await until(lambda: pane.interview is not None, pilot)
            assert app.query_one("#side", TabbedContent).active == "assistant"
            pane.answer_interview("Harbour Hotels")
            await until(lambda: app.source.text.startswith('map "Harbour Hotels"'), pilot)
            pane.answer_interview("Front desk, Sales")
            await until(lambda: 'team front_desk "Front desk"' in app.source.text, pilot)
            pane.answer_interview("back")
            assert pane.interview is not None and pane.interview.at == 1
            for _ in range(1, len(QUESTIONS)):
                pane.answer_interview("")  # the defaults
            assert pane.interview is None
            await settled(app)
            assert app.snapshot is not None and app.snapshot.loaded
            said = [box.source for box in pane.query(".answer").results(Markdown)]
            assert said[-1].startswith("Done: fresh.crm is in the editor and loads.")
            assert not Path("fresh.crm").exists()  # written only when saved
            await pilot.press("ctrl+s")
        assert Path("fresh.crm").read_text().startswith('map "Harbour Hotels"')

    run(body)


def test_an_external_change_offers_reload(acme: Path) -> None:
    async def body() -> None:
        async with editing(acme, watch=True) as (app, pilot):
            await until(lambda: any(w.group == "watch" for w in app.workers), pilot)
            acme.write_text("# changed elsewhere\n" + acme.read_text())
            await answer(app, pilot, "reload-dialog", "reload")
            await until(lambda: app.source.text.startswith("# changed elsewhere"), pilot)
            assert not app.modified

    run(body)


def test_the_previewed_view_is_written_as_mmd_and_md_from_the_palette(acme: Path) -> None:
    import crmdsl

    async def body() -> None:
        async with editing(acme) as (app, pilot):
            app.source.goto(63, 5)
            await settled(app)
            await pilot.press("ctrl+p", *"as .mmd", "enter")
            await until(lambda: Path("acme-process-lead_to_cash.mmd").exists(), pilot)
            await pilot.press("alt+3", "w")
            await answer(app, pilot, "export-dialog", "md")

    run(body)
    expected = crmdsl.render(crmdsl.load(acme), "process", "lead_to_cash").text
    assert Path("acme-process-lead_to_cash.mmd").read_text() == expected
    page = Path("acme-process-lead_to_cash.md").read_text()
    assert page == f"# Lead to cash\n\n```mermaid\n{expected}```\n"


def test_the_height_of_the_text_follows_every_edit(acme: Path) -> None:
    # the editor keeps the wrapped text's height instead of counting it per drawn line;
    # it must be Textual's count after typing, new lines, deletions, undo and a reload
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            wrapped = app.source.wrapped_document

            def counted() -> int:
                return sum(len(offsets) + 1 for offsets in wrapped._wrap_offsets)

            assert wrapped.height == counted() == app.source.document.line_count
            app.source.move_cursor((3, 0))
            await pilot.press("enter", "enter", "x", "enter")
            assert wrapped.height == counted() == app.source.document.line_count
            app.source.replace("team a\nteam b\n", (0, 0), app.source.document.end)
            assert wrapped.height == counted() == 3
            await pilot.press("ctrl+z")
            assert wrapped.height == counted() == app.source.document.line_count
            app.source.load_text("map m\n")
            assert app.source.wrapped_document.height == 2
            await settled(app)

    run(body)


def test_problems_below_a_new_line_show_their_new_lines(acme: Path) -> None:
    # a new line moves every problem below it: the table rewrites only where they are
    async def body() -> None:
        async with editing(acme) as (app, pilot):
            await pilot.press("alt+1")
            table = app.query_one("#problems-table", DataTable)
            pane = app.query_one(ProblemsPane)
            before = [(p.code, p.span.line) for p in pane.shown if p.span]
            assert before
            app.source.insert("\n\n", (0, 0))
            await settled(app)
            after = [(p.code, p.span.line) for p in pane.shown if p.span]
            assert after == [(code, line + 2) for code, line in before]
            cells = [str(table.get_cell_at(Coordinate(i, 1))) for i in range(table.row_count)]
            assert cells == [f"acme.crm:{line}" for _, line in after]

    run(body)
