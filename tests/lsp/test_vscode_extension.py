"""The VS Code extension in editors/vscode: its grammar is the one generated from the
clause table, its regexes compile, and VS Code's own TextMate engine (vscode-textmate
with Oniguruma, from npm) colours the example map's keywords, ids, strings, numbers and
comments; the client starts `crmdsl lsp` from its settings (node's test runner, with a
stand-in `vscode` module), and that command, started over the protocol library the
client uses, reports a map's problems; `npm run package` makes a .vsix with the grammar
and the client.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from editortools import ROOT, VSCODE, editor_env, node_modules, tool

import crmdsl
from tests.scripts import load_script

vscode_grammar = load_script("vscode_grammar")

GRAMMAR = VSCODE / "syntaxes" / "crmdsl.tmLanguage.json"


def _rules(node: Any) -> Iterator[dict[str, Any]]:
    """Every rule of the grammar, however deeply nested."""
    if isinstance(node, dict):
        if {"match", "begin"} & set(node):
            yield node
        for value in node.values():
            yield from _rules(value)
    elif isinstance(node, list):
        for value in node:
            yield from _rules(value)


def test_the_committed_grammar_is_the_generated_one() -> None:
    assert GRAMMAR.read_text(encoding="utf-8") == vscode_grammar.render(), (
        "editors/vscode/syntaxes/crmdsl.tmLanguage.json is stale: "
        "run .venv/bin/python scripts/vscode_grammar.py"
    )
    assert vscode_grammar.main(["--check"]) == 0


def test_every_regex_compiles_and_every_known_word_is_coloured() -> None:
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    for rule in _rules(grammar):
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])
    repository = grammar["repository"]
    keywords = [re.compile(repository[k]["match"]) for k in ("declaration", "statement")]
    clause = re.compile(repository["clause"]["match"])
    for word in sorted(crmdsl.KNOWN_WORDS - {"->"}):
        at_start = any(p.match(f"  {word} x") for p in keywords)
        assert at_start or clause.fullmatch(word), f"{word!r} is not coloured"
    assert not clause.search("hubspot.Contact.email"), "a dotted reference is not a keyword"


def _tokens(path: Path) -> list[list[tuple[str, str]]]:
    """Each line's tokens [text, innermost scope], from vscode-textmate."""
    node_modules()
    done = subprocess.run(
        [tool("node"), str(VSCODE / "tools" / "tokenize.js"), str(path)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return [[(text, scope) for text, scope in line] for line in json.loads(done.stdout)]


def _scope_of(line: list[tuple[str, str]], text: str) -> str:
    return next((scope for token, scope in line if token.strip() == text), "(no such token)")


#: (line of examples/acme.crm, text, scope it must have)
ACME_COLOURS = [
    (1, "Acme Corp: CRM map for the SMB segment", "comment.line.number-sign.crmdsl"),
    (2, "map", "storage.type.crmdsl"),
    (3, "owner", "keyword.other.clause.crmdsl"),
    (4, "2026-09-01", "constant.numeric.date.crmdsl"),
    (7, "team", "storage.type.crmdsl"),
    (7, "revops", "entity.name.type.crmdsl"),
    (7, "Revenue Operations", "string.quoted.double.crmdsl"),
    (17, "kind", "keyword.other.clause.crmdsl"),
    (17, "marketing", "constant.language.crmdsl"),
    (19, "record-of", "keyword.other.clause.crmdsl"),
    (23, "hubspot.Contact", "entity.name.type.crmdsl"),
    (24, "email", "variable.other.property.crmdsl"),
    (24, "pii", "storage.modifier.crmdsl"),
    (28, "250_000", "constant.numeric.crmdsl"),
    (47, "touchpoint", "storage.type.crmdsl"),
    (47, "ads", "constant.language.crmdsl"),
    (53, "moment-of-truth", "keyword.other.clause.crmdsl"),
    (54, "25%", "constant.numeric.crmdsl"),
    (55, "lead_to_cash.qualify", "source.crmdsl"),
]


def test_vscode_textmate_colours_the_example_map() -> None:
    lines = _tokens(ROOT / "examples" / "acme.crm")
    seen = [(n, text, _scope_of(lines[n - 1], text)) for n, text, _ in ACME_COLOURS]
    assert seen == ACME_COLOURS
    # a field line: its type is a type, even where the same word is a channel elsewhere
    assert ("email", "support.type.crmdsl") in lines[23]
    arrows = {s for line in _tokens(ROOT / "examples" / "shop" / "processes.crm") for t, s in line
              if t.strip() in {"->", "<->"}}  # fmt: skip
    assert arrows == {"keyword.operator.arrow.crmdsl"}


def test_the_manifest_gives_crm_files_the_language_its_grammar_and_comments() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert (language["id"], language["extensions"]) == ("crmdsl", [".crm"])
    (grammar,) = manifest["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR
    assert grammar["scopeName"] == json.loads(GRAMMAR.read_text("utf-8"))["scopeName"]
    config = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    assert {"open": '"', "close": '"', "notIn": ["string", "comment"]} in config["autoClosingPairs"]
    assert ["(", ")"] in config["brackets"]
    assert manifest["dependencies"].keys() == {"vscode-languageclient"}


def test_the_client_starts_crmdsl_lsp_from_its_settings() -> None:
    done = subprocess.run(
        [tool("node"), "--test", "test/"], cwd=VSCODE, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 4" in done.stdout


@pytest.mark.slow
def test_the_default_server_command_speaks_lsp_and_reports_problems(tmp_path: Path) -> None:
    node_modules()
    text = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    (tmp_path / "acme.crm").write_text(text + 'team revops "Again"\n', encoding="utf-8")
    done = subprocess.run(
        [tool("node"), str(VSCODE / "tools" / "first-diagnostics.js"), str(tmp_path / "acme.crm")],
        env=editor_env(tmp_path / "home"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {"line": text.count("\n"), "code": "duplicate-id",
            "message": "`revops` is declared twice (give one of them another id)"} in found  # fmt: skip


@pytest.mark.slow
def test_npm_run_package_makes_a_vsix(tmp_path: Path) -> None:
    node_modules()
    out = tmp_path / "crmdsl.vsix"
    done = subprocess.run(
        [tool("npm"), "run", "package", "--", "--out", str(out)],
        cwd=VSCODE, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    names = set(zipfile.ZipFile(out).namelist())
    for name in ("package.json", "extension.js", "server-command.js",
                 "language-configuration.json", "syntaxes/crmdsl.tmLanguage.json",
                 "node_modules/vscode-languageclient/package.json"):  # fmt: skip
        assert f"extension/{name}" in names
    assert not any(n.startswith(("extension/test/", "extension/tools/")) for n in names)
    manifest = json.loads(zipfile.ZipFile(out).read("extension/package.json"))
    assert manifest["contributes"]["languages"][0]["extensions"] == [".crm"]
