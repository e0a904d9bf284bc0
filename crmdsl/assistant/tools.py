"""The engine's abilities as function tools for a language model.

In: a tool name and its arguments (decoded JSON). Out: the engine's `Answer`. `TOOLS`
is the list in the chat-completions `tools` format; each maps onto an intent of the
deterministic engine, so a model asks and edits exactly as the user could. An edit tool
only PROPOSES (the user confirms in the chat or the pane). A call with an unknown name or
bad arguments answers with what is wrong, for the model to correct.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmdsl.assistant.answer import Answer

if TYPE_CHECKING:
    from crmdsl.assistant.engine import Engine

__all__ = ["TOOLS", "call_tool"]

#: tool -> (intent, {argument: (group, required)}, description)
_SPECS: dict[str, tuple[str, dict[str, tuple[str, bool]], str]] = {
    "ask": (
        "",
        {"request": ("request", True)},
        "Ask the map anything in plain words, as the user would (read-only unless the words ask for a change).",
    ),
    "describe": (
        "describe",
        {"name": ("name", True)},
        "What a thing is (any id or label): kind, clauses, place, how often it is referenced.",
    ),
    "owner": ("owner", {"name": ("name", True)}, "Who owns a thing."),
    "lineage": (
        "lineage",
        {"field": ("name", True)},
        "Where a field's data comes from and goes, hop by hop (e.g. Lead.email).",
    ),
    "pains": (
        "pains",
        {"journey": ("name", False)},
        "The pain points of a journey (or of every journey).",
    ),
    "longest_path": (
        "longest",
        {"process": ("name", True)},
        "The longest path of a process and its total time.",
    ),
    "handoffs": (
        "handoffs",
        {"process": ("name", True)},
        "The hand-offs between teams in a process.",
    ),
    "impact": (
        "impact",
        {"name": ("name", True)},
        "What breaks if a thing is removed (references and new findings).",
    ),
    "goal_return": ("roi", {"goal": ("name", True)}, "A goal's value, costs, return, payback."),
    "findings": (
        "findings",
        {"name": ("name", False)},
        "The load errors and lint findings of the map or of one thing.",
    ),
    "explain_rule": ("explain", {"code": ("code", True)}, "A lint rule's explanation, e.g. J106."),
    "propose_rename": (
        "rename",
        {"name": ("name", True), "new_id": ("new", True)},
        "Propose renaming a thing and every reference to it.",
    ),
    "propose_set": (
        "set_clause",
        {"name": ("name", True), "clause": ("kw", True), "value": ("value", True)},
        "Propose setting a clause (sla, takes, owner, system, score, channel, kind, users) of a thing.",
    ),
    "propose_add_text": (
        "add_text",
        {"name": ("name", True), "kind": ("kw", True), "text": ("text", True)},
        "Propose adding a pain or an idea to a touchpoint.",
    ),
    "propose_remove": (
        "remove",
        {"name": ("name", True)},
        "Propose removing a thing and what names it.",
    ),
    "propose_connect": (
        "connect",
        {
            "source": ("a", True),
            "target": ("b", True),
            "frequency": ("freq", False),
            "via": ("via", False),
        },
        "Propose an integration between two systems.",
    ),
    "propose_safe_fixes": ("fix_safe", {}, "Propose the safe fixes of the map's findings."),
}


def _schema(args: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: {"type": "string"} for name in args},
        "required": [name for name, (_, required) in args.items() if required],
    }


TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {"name": name, "description": desc, "parameters": _schema(args)},
    }
    for name, (_, args, desc) in _SPECS.items()
]


def call_tool(engine: Engine, tool: str, arguments: Any) -> Answer:
    """Run one tool call; a malformed one answers with what is wrong."""
    spec = _SPECS.get(tool)
    if spec is None:
        return Answer(
            f"malformed tool call: no tool `{tool}` (tools: {', '.join(_SPECS)})",
            kind="bad-tool-call",
        )
    intent, args, _ = spec
    if not isinstance(arguments, dict):
        return Answer(
            f"malformed tool call: `{tool}` takes an object of arguments", kind="bad-tool-call"
        )
    groups: dict[str, str] = {}
    for name, (group, required) in args.items():
        value = arguments.get(name)
        if value is None or value == "":
            if required:
                return Answer(f"malformed tool call: `{tool}` needs `{name}`", kind="bad-tool-call")
            continue
        if not isinstance(value, str | int | float):
            return Answer(
                f"malformed tool call: `{tool}` argument `{name}` must be a string",
                kind="bad-tool-call",
            )
        groups[group] = str(value)
    if tool == "ask":
        return engine.ask(groups["request"])
    if intent == "lineage":
        groups["way"] = "both"
    return engine.run(intent, groups)
