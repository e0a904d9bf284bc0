r"""`crmdsl ask MAP "question"` and `crmdsl chat MAP`: the assistant on the command line.

`ask` answers once and exits: the answer as Markdown (or `--format json`: `answer`,
`kind`, `references`, `patch`); an edit request prints its diff and changes the file
only with `--apply`. `chat` is a conversation in the terminal: answers as rich
Markdown, multi-line input (end a line with `\\` to go on), `/help`, `/undo`, `/redo`,
`/diff`, `/save`, `/quit`; a proposed edit is applied on `/yes` (or `yes`), dropped on
`/no`. `chat --interview NEW.crm` runs the guided interview instead.

A language model is used only when configured (`[tool.crmdsl.assistant]` or the model
flags); otherwise no network call is made. Exit codes: 0 answered; 1 not understood,
refused, or the model failed; 2 a usage error (a missing map, bad settings).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crmdsl.cli.output import not_a_file
from crmdsl.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from crmdsl.assistant.engine import Engine
    from crmdsl.assistant.llm import Model

__all__ = ["ModelFlags", "run_ask", "run_chat"]

_FAILED = {"unknown", "refused", "not-found", "model-error", "bad-tool-call"}

CHAT_HELP = """Ask about the map or ask for a change in plain words. Commands:

- `/yes` (or `yes`) apply the proposed change, `/no` drop it
- `/undo`, `/redo` take back or redo the last applied change
- `/diff` show what is changed and not saved yet
- `/save` write the file (atomically)
- `/help` this text, `/quit` leave (asks once if changes are not saved)

End a line with `\\` to write more lines."""


@dataclass(frozen=True, slots=True)
class ModelFlags:
    """The model options of the command line (None: take the config file's)."""

    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    timeout: float | None = None
    offline: bool = False


def _engine(path: str, today: str | None) -> Engine:
    from crmdsl.assistant.engine import Engine
    from crmdsl.cli.check import parse_today

    if not Path(path).is_file():
        raise UsageError(not_a_file(path))
    _refuse_non_text(path)
    return Engine.open(path, today=parse_today(today) if today else None)


def _refuse_non_text(path: str) -> None:
    """A file that is not text (binary, a FIFO, too large) is no map to talk about."""
    from crmdsl.language.source import DEFAULT_MAX_FILE_SIZE, decode, read_regular

    data = read_regular(Path(path), path, DEFAULT_MAX_FILE_SIZE)
    if not isinstance(data, bytes):
        raise UsageError(data.message)
    source, problem = decode(data, path)
    if source is None and problem is not None and problem.kind == "io":
        raise UsageError(problem.message)


def _model(engine: Engine, flags: ModelFlags) -> Model | None:
    from crmdsl.assistant.llm import Model, model_config

    if flags.offline:
        return None
    config = model_config(
        engine.session.path,
        base_url=flags.base_url,
        model=flags.model,
        api_key_env=flags.api_key_env,
        timeout=flags.timeout,
    )
    return Model(config, engine) if config is not None else None


def run_ask(
    path: str,
    question: str,
    *,
    apply: bool = False,
    output_format: str = "text",
    today: str | None = None,
    flags: ModelFlags | None = None,
) -> int:
    """Answer one request; with `apply`, accept its proposal and save. Return the exit code."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not {output_format}")
    engine = _engine(path, today)
    model = _model(engine, flags or ModelFlags())
    answer = model.ask(question) if model is not None else engine.ask(question)
    applied = None
    if apply and answer.proposal is not None:
        engine.session.accept(answer.proposal)
        applied = engine.session.save()
    if output_format == "json":
        data = answer.to_json()
        data["applied"] = applied is not None
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(answer.text.rstrip("\n") + "\n")
        if applied:
            sys.stdout.write(f"\n{applied}\n")
        elif answer.proposal is not None:
            sys.stdout.write("\nNothing written: run again with --apply to make this change.\n")
    return 1 if answer.kind in _FAILED else 0


def _show(out: Console, text: str, *, markdown: bool = True) -> None:
    from rich.markdown import Markdown

    out.print(Markdown(text) if markdown else text)
    out.print()


class _Chat:
    """One terminal conversation: reads requests, prints answers, keeps the session."""

    def __init__(
        self, engine: Engine, model: Model | None, out: Console, read: Callable[[str], str]
    ) -> None:
        self.engine = engine
        self.model = model
        self.out = out
        self.read = read
        self.warned = False
        self.commands: dict[str, Callable[[], str | None]] = {
            "/help": lambda: CHAT_HELP,
            "/undo": engine.session.undo,
            "/redo": engine.session.redo,
            "/diff": self._diff,
            "/save": engine.session.save,
            "/yes": engine.session.accept,
            "/no": engine.session.reject,
        }

    def _diff(self) -> str:
        diff = self.engine.session.unsaved_diff()
        return f"```diff\n{diff}```" if diff else "No unsaved change."

    def request(self) -> str | None:
        """The next request (a line ending in a backslash goes on); None at the end of input."""
        lines: list[str] = []
        prompt = "you> "
        while True:
            try:
                line = self.read(prompt)
            except EOFError:
                return "\n".join(lines) if lines else None
            if line.endswith("\\"):
                lines.append(line[:-1])
                prompt = "...> "
                continue
            lines.append(line)
            return "\n".join(lines)

    def command(self, text: str) -> bool:
        """Run a `/command` (or yes/no to a proposal); False to leave."""
        word = text.strip().lower()
        if word in ("/quit", "/exit", "/q"):
            if self.engine.session.texts != self.engine.session.saved and not self.warned:
                self.warned = True
                _show(self.out, "There are unsaved changes: `/save` them, or `/quit` again.")
                return True
            return False
        if word in ("yes", "y", "accept", "ok") and self.engine.session.pending is not None:
            word = "/yes"
        if word in ("no", "n", "reject") and self.engine.session.pending is not None:
            word = "/no"
        handler = self.commands.get(word)
        if handler is None:
            _show(self.out, f"No command `{word}`. " + CHAT_HELP)
            return True
        from crmdsl.errors import CrmdslError

        try:
            said = handler()
        except CrmdslError as exc:
            said = f"Cannot: {exc}"
        _show(self.out, said or "")
        return True

    def answer(self, text: str) -> None:
        """Answer a request, by the model when there is one."""
        if self.model is None:
            _show(self.out, self.engine.ask(text).text)
            return
        streamed = self.model.ask(text, on_text=lambda part: self.out.print(part, end=""))
        self.out.print()
        if streamed.kind == "model-error" or not streamed.text:
            _show(self.out, streamed.text)
        if streamed.proposal is not None:
            p = streamed.proposal
            _show(self.out, f"Proposed: **{p.description}**\n\n```diff\n{p.diff}```\n{p.summary()}")

    def loop(self) -> int:
        """Talk until `/quit` or the end of input."""
        _show(self.out, f"Talking about **{self.engine.session.path}**. `/help` for commands.")
        while True:
            text = self.request()
            if text is None:
                return 0
            if not text.strip():
                continue
            first = text.strip().split()[0].lower()
            if text.strip().startswith("/") or first in ("yes", "y", "no", "n", "accept"):
                if not self.command(text):
                    return 0
                continue
            self.answer(text)


def run_chat(
    path: str,
    *,
    interview: bool = False,
    today: str | None = None,
    flags: ModelFlags | None = None,
    read: Callable[[str], str] | None = None,
) -> int:
    """The terminal conversation (or the interview); return the exit code."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=False)
    reader = read or _input
    if interview:
        from crmdsl.assistant.interview import run_interview

        return run_interview(path, reader, lambda text: _show(out, text))
    engine = _engine(path, today)
    model = _model(engine, flags or ModelFlags())
    return _Chat(engine, model, out, reader).loop()


def _input(prompt: str) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")
    return input(prompt)
