"""The package as users get it: a wheel that carries its grammar, and the editable install.

How the wheel is tested, offline: `pip wheel . --no-deps` builds it (pip fetches the
build backend, hatchling, from the configured registry as usual); a fresh venv (`python
-m venv --without-pip`) gets the wheel with `pip --python <venv> install --no-deps`, and
its dependencies (lark, pydantic, typer, rich) are made importable from the test's own
environment through a `.pth` file, so the test needs no download and still imports
crmdsl from the fresh venv only. The map is then loaded from another folder than the
checkout, which proves that the grammar ships inside the wheel.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import crmdsl

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "crmdsl.lark"
ACME = ROOT / "examples" / "acme.crm"

pytestmark = pytest.mark.slow


def _grammar_path() -> Path:
    try:
        from crmdsl.language.grammar import grammar_path
    except ImportError:  # the grammar loader lived in crmdsl.language.parse before
        from crmdsl.language.parse import grammar_path  # type: ignore[attr-defined,no-redef]
    return grammar_path()


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        cwd=out,
    )
    (found,) = out.glob("crmdsl-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home.parent)
    python = home / "bin" / "python"
    # this environment's pip installs into the fresh venv (no ensurepip: faster)
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    _run([*pip, "--no-deps", "--no-index", str(wheel)], cwd=home.parent)
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=home.parent,
        ).strip()
    )
    # dependencies from this environment, after the venv's own site-packages
    ours = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (purelib / "zz_test_dependencies.pth").write_text(
        "\n".join(dict.fromkeys(p for p in ours if Path(p).is_dir())) + "\n", encoding="utf-8"
    )
    return home


def test_the_wheel_carries_the_grammar(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "crmdsl/grammar/crmdsl.lark" in names
        assert zf.read("crmdsl/grammar/crmdsl.lark") == GRAMMAR.read_bytes()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [
            line.split(":", 1)[1].strip().split()[0].split(">")[0].split("<")[0]
            for line in zf.read(meta).decode().splitlines()
            if line.startswith("Requires-Dist:") and "extra ==" not in line
        ]
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "crmdsl = crmdsl.cli:main" in zf.read(entry_points).decode()
    assert {"lark", "pydantic", "typer", "rich"} <= set(requires)
    assert not any(n.startswith(("tests/", "examples/")) for n in names)


def test_the_installed_wheel_loads_a_map_from_another_folder(venv: Path, tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    code = (
        "import json, sys, crmdsl\n"
        "from pathlib import Path\n"
        "m = crmdsl.load(sys.argv[1])\n"
        "try:\n"
        "    from crmdsl.language.grammar import grammar_path\n"
        "except ImportError:\n"
        "    from crmdsl.language.parse import grammar_path\n"
        "print(json.dumps({'title': m.title, 'file': crmdsl.__file__,\n"
        "                  'grammar': str(grammar_path()),\n"
        "                  'edges': len(m.processes[0].edges)}))\n"
    )
    out = json.loads(_run([str(python), "-c", code, str(ACME)], cwd=tmp_path, env=env))
    assert out["title"] == "Acme Corp CRM"
    assert out["edges"] == 7
    assert Path(out["file"]).is_relative_to(venv)
    assert Path(out["grammar"]).is_relative_to(venv)
    assert Path(out["grammar"]).read_bytes() == GRAMMAR.read_bytes()
    exported = _run([str(venv / "bin" / "crmdsl"), "export", "json", str(ACME)], tmp_path, env)
    assert json.loads(exported)["header"]["title"] == "Acme Corp CRM"


def test_the_checkout_loads_its_own_grammar() -> None:
    if not Path(crmdsl.__file__).resolve().is_relative_to(ROOT):
        pytest.skip("crmdsl is not imported from this checkout (not an editable install)")
    assert _grammar_path().resolve() == GRAMMAR.resolve()
    assert crmdsl.load(ACME).title == "Acme Corp CRM"
