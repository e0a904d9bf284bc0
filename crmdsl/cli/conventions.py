"""The command line's conventions, in one place: the typer group that every command sits in.

In: the command tree typer builds. Out: help a person reads — each command's whole first
sentence in the command list (never cut off), metavars such as `PATH...`, `FILE` and
`DATE` where typer would print `<str>` or `{paths}` — and `--color` accepted after the
command as well as before it (`crmdsl check . --color always`), as ruff users write it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from typer.core import TyperGroup

try:  # typer 0.26 and later carry their own copy of click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer uses click itself
    import click  # type: ignore[no-redef]

__all__ = ["METAVARS", "CrmdslGroup", "readable_metavars"]

#: The metavar of an option or argument, by its parameter name.
METAVARS = {
    "api_key_env": "VAR",
    "base": "REV",
    "base_url": "URL",
    "chromium": "FILE",
    "code": "CODE",
    "config": "FILE",
    "exclude": "PATTERN",
    "extend_exclude": "PATTERN",
    "host": "HOST",
    "max_handoffs": "N",
    "max_measurement_age": "MONTHS",
    "max_review_age": "MONTHS",
    "mermaid_cli": "FOLDER",
    "mermaid_version": "VERSION",
    "model": "NAME",
    "output": "FILE",
    "output_file": "FILE",
    "path": "MAP",
    "paths": "PATH",
    "port": "PORT",
    "question": "TEXT",
    "select": "CODES",
    "ignore": "CODES",
    "severity": "CODE=LEVEL",
    "stdin_filename": "NAME",
    "subject": "ID",
    "tcp": "HOST:PORT",
    "timeout": "SECONDS",
    "today": "DATE",
    "view": "VIEW",
}


def readable_metavars(command: click.Command) -> None:
    """Give every option and argument of a command (and its subcommands) a readable metavar."""
    for param in command.params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        choices = getattr(param.type, "choices", None)
        if choices:
            param.metavar = "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
            continue
        name = param.name or "value"
        word = METAVARS.get(name, name.upper().replace("_", "-"))
        if param.param_type_name == "argument":
            word += "..." if param.nargs == -1 else ""
            shown = word if param.required else f"[{word}]"
            # typer writes a required argument as `{name}`; a person reads `NAME`
            param.make_metavar = _fixed(shown, word)  # type: ignore[method-assign]
        param.metavar = word
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)


def _fixed(usage_form: str, help_form: str) -> Callable[..., str]:
    def make_metavar(*_: object, usage: bool = False, **__: object) -> str:
        return usage_form if usage else help_form

    return make_metavar


def _first_line(command: click.Command) -> str:
    text = command.short_help or command.help or ""
    return text.strip().split("\n\n", 1)[0].replace("\n", " ")


class CrmdslGroup(TyperGroup):
    """The root group: readable help, and `--color` wherever it is written."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list: each command with its whole first sentence, wrapped."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, _first_line(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A command, its metavars made readable."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            readable_metavars(command)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move `--color WHEN` written after the command to the front, where it belongs."""
        readable_metavars(self)
        return super().parse_args(ctx, _color_first(args))


def _color_first(args: Sequence[str]) -> list[str]:
    rest: list[str] = []
    moved: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg.startswith("--color="):
            moved.append(arg)
        elif arg == "--color" and index + 1 < len(args):
            moved.extend(args[index : index + 2])
            index += 1
        else:
            rest.append(arg)
        index += 1
    return [*moved, *rest]
