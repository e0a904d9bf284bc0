"""`crmdsl edit` on the command line, the editor's settings, and saves that survive a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import TabbedContent
from typer.testing import CliRunner

from crmdsl.cli.app import app
from crmdsl.cli.edit_cmd import resolve_target
from crmdsl.tui.app import EditorApp
from crmdsl.tui.config import load_settings
from crmdsl.tui.keymap import KEYS
from tests.tui.conftest import run, settled, until

ROOT = Path(__file__).resolve().parents[2]


def test_without_textual_it_says_how_to_install_it_and_exits_2(acme: Path) -> None:
    code = (
        "import sys; sys.modules['textual'] = None\n"
        "from crmdsl.cli import main; sys.argv = ['crmdsl', 'edit', 'acme.crm']; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert (
        done.stderr == "error: crmdsl edit needs the editor's packages: pip install 'crmdsl[tui]'\n"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("missing.txt", "error: no such file: missing.txt (a new map needs a .crm name"),
        ("nowhere/new.crm", "error: no such file: nowhere/new.crm"),
        (".", "error: no .crm files in the folder ."),
    ],
)
def test_a_path_that_names_no_map_is_a_usage_error(workdir: Path, path: str, message: str) -> None:
    result = CliRunner().invoke(app, ["edit", path])
    assert result.exit_code == 2
    assert result.output.startswith(message)


def test_a_folder_opens_its_root_and_a_fragment_opens_itself_through_its_root(shop: Path) -> None:
    assert resolve_target("shop") == ("shop/shop.crm", "shop/shop.crm")
    assert resolve_target("shop/teams.crm") == ("shop/shop.crm", "shop/teams.crm")
    assert resolve_target("acme_new.crm") == ("acme_new.crm", "acme_new.crm")


def test_the_tui_table_of_the_config_sets_keys_and_theme(acme: Path) -> None:
    Path("crmdsl.toml").write_text(
        '[tui]\ntheme = "textual-light"\ndebounce-ms = 10\n'
        '[tui.keys]\nshow_preview = "f9"\nnope = "f1"\n'
    )
    settings = load_settings(acme)
    assert settings.tui.keys == {"show_preview": "f9"}
    assert settings.tui.debounce_ms == 10
    assert settings.problems == ("crmdsl.toml: tui keys: no binding `nope` (see docs/tui.md)",)

    async def body() -> None:
        editor = EditorApp(acme, watch=False)
        async with editor.run_test(size=(140, 40)) as pilot:
            await settled(editor)
            assert editor.theme == "textual-light"
            await pilot.press("f9")
            side = editor.main.query_one("#side", TabbedContent)
            await until(lambda: side.active == "preview", pilot)

    run(body)


def test_the_lint_config_accepts_the_tui_table(workdir: Path) -> None:
    import crmdsl

    Path("pyproject.toml").write_text(
        '[tool.crmdsl]\nignore = ["D"]\n[tool.crmdsl.tui]\ntheme = "x"\n'
    )
    Path("m.crm").write_text("team sales\n")
    assert crmdsl.config_for("m.crm").ignore == ("D",)


def test_every_key_is_documented() -> None:
    page = (ROOT / "docs/tui.md").read_text()
    for key in KEYS.values():
        assert f"| `{key.id}` | `{key.keys}` |" in page, key.id


SAVER = """
import sys
from pathlib import Path
from crmdsl.tui.files import read_buffer, save_buffer
buffer = read_buffer(Path(sys.argv[1]))
texts = [buffer.text, buffer.text.replace("a", "b")]
n = 0
while True:
    save_buffer(buffer, texts[n % 2])
    n += 1
    print(n, flush=True)
"""


def test_a_save_killed_half_way_leaves_the_old_or_the_new_file(workdir: Path) -> None:
    target = Path("big.crm")
    old = (ROOT / "examples/acme.crm").read_text() * 200
    target.write_text(old)
    new = old.replace("a", "b")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert child.stdout is not None
        for _ in range(3):
            child.stdout.readline()  # it is saving, again and again: kill it mid-way
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert target.read_text() in (old, new)
