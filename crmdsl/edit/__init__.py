"""Edit operations: an `Analysis` and what to change in, a `Patch` (and its exact inverse) out.

The one place besides the formatter where text is rewritten; the editor and the assistant
apply every change through these functions. See `docs/edit.md`.
"""

from __future__ import annotations

from crmdsl.edit.children import (
    add_child,
    add_cost,
    add_decision,
    add_end,
    add_field,
    add_idea,
    add_kpi,
    add_mapping,
    add_metric,
    add_outcome,
    add_stage,
    add_step,
    add_touchpoint,
    move,
    move_outcome,
    remove_idea,
    remove_mapping,
    remove_outcome,
    remove_statement,
)
from crmdsl.edit.clauses import add_item, clear_clause, remove_item, set_clause, set_field_flag
from crmdsl.edit.declare import (
    add_channel,
    add_declaration,
    add_entity,
    add_goal,
    add_integration,
    add_journey,
    add_persona,
    add_process,
    add_system,
    add_team,
    connect_systems,
)
from crmdsl.edit.formatting import format_patch
from crmdsl.edit.patch import (
    EditError,
    Patch,
    Replacement,
    StalePatchError,
    common_ends,
    diff_patch,
    write_patch,
)
from crmdsl.edit.rename import Reference, delete, references, rename

__all__ = [
    "EditError",
    "Patch",
    "Reference",
    "Replacement",
    "StalePatchError",
    "add_channel",
    "add_child",
    "add_cost",
    "add_decision",
    "add_declaration",
    "add_end",
    "add_entity",
    "add_field",
    "add_goal",
    "add_idea",
    "add_integration",
    "add_item",
    "add_journey",
    "add_kpi",
    "add_mapping",
    "add_metric",
    "add_outcome",
    "add_persona",
    "add_process",
    "add_stage",
    "add_step",
    "add_system",
    "add_team",
    "add_touchpoint",
    "clear_clause",
    "common_ends",
    "connect_systems",
    "delete",
    "diff_patch",
    "format_patch",
    "move",
    "move_outcome",
    "references",
    "remove_idea",
    "remove_item",
    "remove_mapping",
    "remove_outcome",
    "remove_statement",
    "rename",
    "set_clause",
    "set_field_flag",
    "write_patch",
]
