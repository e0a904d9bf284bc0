"""The architecture, checked: the import contracts and what `crmdsl check` imports.

The contracts live in pyproject.toml (`[tool.importlinter]`) and are run with import-linter
(`lint-imports`). The core contract names every module of crmdsl outside `cli/`, `tui/`,
`assistant/` and `views/`; a test below fails when a new module is missing from it. The
views have a contract of their own because they may import mermaid-py (lazily); the core
contract ignores that one edge (`crmdsl.views.** -> mermaid`) so that core modules may use
the views. Forbidden packages that are not installed here (`httpx`, `httpx2`, `openai`)
are listed all the same: import-linter records an import by its name whether or not the
package is installed, which `test_the_contracts_catch_forbidden_imports` proves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crmdsl"
NOT_CORE = {"cli", "tui", "assistant", "views"}
HEAVY = ("textual", "mermaid", "requests", "httpx", "httpx2", "openai")


def lint_imports() -> str:
    found = Path(sys.executable).parent / "lint-imports"
    return str(found) if found.exists() else shutil.which("lint-imports") or "lint-imports"


def python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this Python with `args` in the repository; its output as text."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in done.stdout


def parts() -> set[str]:
    """Every top-level module and subpackage of crmdsl (`crmdsl.language`, `crmdsl.errors`...)."""
    return {
        f"crmdsl.{p.stem}" if p.is_file() else f"crmdsl.{p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem not in {"__init__", "__main__"})
        or (p.is_dir() and (p / "__init__.py").exists())
    }


INTERFACES = {"crmdsl.cli", "crmdsl.tui", "crmdsl.assistant", "crmdsl.lsp"}


def test_the_layers_name_every_part_of_the_package() -> None:
    layers = contracts()[0]
    assert layers["type"] == "layers"
    named = {
        name.strip(" ()")
        for layer in layers["layers"]  # type: ignore[attr-defined]
        for name in layer.replace(":", "|").split("|")
    }
    missing = sorted(parts() - named)
    assert not missing, f"put {missing} in a layer of the layers contract in pyproject.toml"


def test_the_forbidden_lists_name_every_part_of_the_package() -> None:
    public, core = contracts()[1], contracts()[2]
    present_interfaces = sorted(INTERFACES & parts())
    assert public["source_modules"] == [m for m in present_interfaces if m != "crmdsl.cli"]
    assert set(public["forbidden_modules"]) == parts() - INTERFACES - {"crmdsl.edit"}  # type: ignore[arg-type]
    assert set(core["source_modules"]) == parts() - INTERFACES  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_contracts_catch_forbidden_imports(tmp_path: Path) -> None:
    copy = tmp_path / "crmdsl"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    sneaky = {
        copy
        / "language"
        / "build"
        / "statements.py": "def _sneaky() -> None:\n    import openai\n",
        copy / "views" / "__init__.py": "import rich\n",
        copy / "rules" / "registry.py": "def _up() -> None:\n    import crmdsl.linter\n",
        copy / "tui" / "__init__.py": "import crmdsl.language.parse\n",
    }
    for path, code in sneaky.items():
        with path.open("a", encoding="utf-8") as f:
            f.write("\n\n" + code.replace("\n", "  # noqa\n", 1))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [lint_imports(), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "Contracts: 0 kept, 3 broken." in out
    assert "crmdsl.language is not allowed to import openai" in out
    assert "crmdsl.language.build.statements -> openai" in out
    assert "crmdsl.views is not allowed to import rich" in out
    assert "crmdsl.rules.registry -> crmdsl.linter" in out
    assert "crmdsl.tui is not allowed to import crmdsl.language" in out


def test_import_crmdsl_is_cheap_and_the_api_resolves() -> None:
    code = (
        "import sys, crmdsl\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'lark', 'pydantic', 'rich', 'typer'})\n"
        "print(heavy)\n"
        "missing = [n for n in crmdsl.__all__ if getattr(crmdsl, n, None) is None]\n"
        "print(missing, callable(crmdsl.lint), callable(crmdsl.render), callable(crmdsl.report))\n"
    )
    done = python("-c", code)
    assert done.stdout.splitlines() == ["[]", "[] True True True"], done.stderr


def test_all_names_every_lazy_export() -> None:
    # `__all__` is written out so that mypy and ruff see the public names; it must
    # follow `_EXPORTS`, the table the lazy `__getattr__` reads.
    import crmdsl

    missing = sorted(set(crmdsl._EXPORTS) - set(crmdsl.__all__))
    assert not missing, f"add {missing} to __all__ in crmdsl/__init__.py"
    assert crmdsl.__all__ == sorted(set(crmdsl.__all__))


ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _named_paths(text: str) -> set[str]:
    """The paths a page names in backticks (`crmdsl/rules/journeys.py`, `statements.py`).

    A placeholder file (`crmdsl/views/<name>.py`) stands for its folder.
    """
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    quoted = re.findall(r"`([^`\n]+)`", prose)
    words = {w.strip("(),") for q in quoted for w in q.split()}
    paths = {
        w.rstrip("/")
        for w in words
        if ("/" in w or w.endswith((".py", ".md", ".toml", ".lark", ".crm")))
        and not w.startswith(("http", "-", "."))
    }
    return {p.rsplit("/", 1)[0] if "<" in p.rsplit("/", 1)[-1] else p for p in paths}


def _exists(path: str) -> bool:
    if "/" in path:
        return (ROOT / path.replace("<CODE>", "J102")).exists()
    return (
        any(ROOT.glob(f"crmdsl/**/{path}"))
        or any(ROOT.glob(f"tests/**/{path}"))
        or (ROOT / path).exists()
    )


def test_the_architecture_page_names_only_paths_that_exist() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = _named_paths(text)
    assert {"crmdsl/rules/journeys.py", "crmdsl/views/process.py"} <= named
    missing = sorted(p for p in named if not _exists(p))
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"
    pages = re.findall(r"\]\(([^)#]+\.md)", text)
    assert pages and all((ARCHITECTURE.parent / p).is_file() for p in pages), pages


def test_the_architecture_page_shows_where_j102_and_the_process_view_are() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    j102 = re.search(r"Rule J102\*\* \(`[^`]+`\) lives in `([^`]+)`", text)
    process = re.search(r"process view\*\* is drawn in `([^`]+)` \(`(\w+)`", text)
    assert j102 and process
    assert '@rule("J102"' in (ROOT / j102.group(1)).read_text(encoding="utf-8")
    assert f"def {process.group(2)}(" in (ROOT / process.group(1)).read_text(encoding="utf-8")


def test_the_architecture_page_draws_the_layers_of_the_contract() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    picture = text.split("## The layers", 1)[1].split("```", 2)[1]
    drawn = [
        [word for word in re.split(r"[│|:]", row) if word.strip()]
        for row in picture.splitlines()
        if row.startswith("│")
    ]
    drawn_names = [sorted(w.split()[0] for w in row) for row in drawn]
    expected = [
        sorted(n.strip(" ()").removeprefix("crmdsl.") for n in re.split(r"[|:]", layer))
        for layer in contracts()[0]["layers"]  # type: ignore[attr-defined]
    ]
    assert drawn_names == expected, "draw the layers of pyproject.toml in docs/architecture.md"


@pytest.mark.slow
def test_the_api_example_is_typed_for_its_users(tmp_path: Path) -> None:
    # The first example of docs/api.md passes `mypy --strict`: the public API is typed
    # for code that uses it, not only inside the package.
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    example = tmp_path / "api_example.py"
    example.write_text(re.findall(r"```python\n(.*?)```", page, re.S)[0], encoding="utf-8")
    done = python("-m", "mypy", "--strict", str(example))
    assert done.returncode == 0, done.stdout + done.stderr


#: Pages the project was written from that are not in the repository: never cited.
PRIVATE_PAGES = re.compile(r"\b(?:SPEC|RULES|UX|DESIGN|STYLE|FIELD-NOTES)\.md\b")


def test_nothing_cites_pages_outside_the_repository() -> None:
    files = [ROOT / "README.md"] + [
        path
        for folder in ("docs", "crmdsl", "tests", "scripts", "benchmarks")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".md", ".py", ".toml", ".crm", ".txt"} and path != Path(__file__)
    ]
    citing = sorted(
        str(path.relative_to(ROOT))
        for path in files
        if PRIVATE_PAGES.search(path.read_text(encoding="utf-8", errors="replace"))
    )
    assert not citing, f"cite docs/language.md or docs/rules.md instead, in {citing}"


PROBE = """
import json, sys
from crmdsl.cli import main
sys.argv = ["crmdsl", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(%r))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["check", "examples/acme.crm"],
        ["check", "examples", "--format", "json"],
        ["check", "examples/shop/teams.crm", "--format", "concise"],
    ],
    ids=["text", "json", "fragment"],
)
def test_check_imports_nothing_heavy(args: list[str]) -> None:
    done = python("-c", PROBE % (HEAVY,), *args, "--today", "2026-10-01")
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] in (0, 1), done.stderr
    assert result["heavy"] == []


def test_importtime_agrees() -> None:
    done = python("-X", "importtime", "-m", "crmdsl", "check", "examples/acme.crm", "-q")
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "crmdsl" in imported and "lark" in imported  # the probe sees imports at all
    assert imported.isdisjoint(HEAVY)


def test_the_views_import_mermaid_only_when_drawing() -> None:
    code = (
        "import importlib, pkgutil, sys, crmdsl.views as v\n"
        "for m in pkgutil.walk_packages(v.__path__, 'crmdsl.views.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mermaid', 'requests'}))\n"
    )
    done = python("-c", code)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.slow
def test_the_package_is_mypy_strict_clean() -> None:
    done = python("-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
