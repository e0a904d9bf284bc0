"""A small generator of valid maps, driven by the clause table (`crmdsl.language.schema`).

`generate(rnd)` writes a whole map that loads without a load error: every statement gets a
random choice of its clauses (values made from each clause's value kind and reference
kind), placed at random on the header line or on lines of their own, with random
indentation widths, blank lines and comments. The formatter and the edit tests run on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from crmdsl.language.schema import BUILTIN_CHANNELS, STATEMENTS, ValueKind

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma"]
TEXTS = [
    "Cut the form",
    'Says \\"hi\\"',
    "Back\\\\slash",
    "# not a comment",
    "Ünïcødé ✓",
    "a -> b, c",
]


@dataclass
class World:
    """What the map declares so far, so that references always resolve."""

    teams: list[str] = field(default_factory=list)
    personas: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: list(BUILTIN_CHANNELS))
    systems: list[str] = field(default_factory=list)
    fields: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # system -> (Entity, field)
    steps: list[str] = field(default_factory=list)  # process.step
    supports: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.lines: list[str] = []

    def comment(self, indent: int) -> None:
        if self.rnd.random() < 0.15:
            self.lines.append(" " * indent + "# note " + self.rnd.choice(WORDS))
        if self.rnd.random() < 0.1:
            self.lines.append("")

    def eol(self) -> str:
        return "   # why " + self.rnd.choice(WORDS) if self.rnd.random() < 0.1 else ""

    def statement(self, indent: int, head: str, clauses: list[str], block_indent: int) -> None:
        """A header with clauses, some of them moved to lines of their own."""
        on_header: list[str] = []
        in_block: list[str] = []
        for c in clauses:
            (in_block if self.rnd.random() < 0.3 else on_header).append(c)
        self.comment(indent)
        self.lines.append(" " * indent + " ".join([head, *on_header]) + self.eol())
        for c in in_block:
            self.comment(indent + block_indent)
            self.lines.append(" " * (indent + block_indent) + c + self.eol())


def number(rnd: random.Random, low: int = 1, high: int = 2_000_000) -> str:
    n = rnd.randint(low, high)
    return f"{n:_}" if rnd.random() < 0.5 else str(n)


def value(
    rnd: random.Random,
    kind: ValueKind,
    ref: str,
    choices: tuple[str, ...],
    world: World,
    scope: list[str],
) -> str | None:
    """A value for a clause, or None when the world has nothing it could name."""
    pools = {
        "team": world.teams,
        "persona": world.personas,
        "channel": world.channels,
        "system": world.systems,
        "field": [f"{s}.{e}.{f}" for s, fs in world.fields.items() for e, f in fs],
        "backstage": world.steps,
        "node": scope,
        "support": world.supports,
        "goal": world.goals,
    }
    if kind is ValueKind.FLAG:
        return ""
    if kind is ValueKind.REF:
        pool = pools[ref]
        return rnd.choice(pool) if pool else None
    if kind is ValueKind.REFS:
        pool = pools[ref]
        if not pool:
            return None
        return ", ".join(rnd.sample(pool, rnd.randint(1, min(3, len(pool)))))
    if kind is ValueKind.NAMES:
        return ", ".join(rnd.sample(WORDS, rnd.randint(1, 3)))
    if kind is ValueKind.STRING:
        return f'"{rnd.choice(TEXTS)}"'
    if kind is ValueKind.INTEGER:
        return number(rnd)
    if kind is ValueKind.SCORE:
        return str(rnd.randint(1, 5))
    if kind is ValueKind.DURATION:
        return f"{rnd.randint(1, 99)}{rnd.choice(['m', 'h', 'd', 'w', 'mo', 'y'])}"
    if kind is ValueKind.DATE:
        return f"20{rnd.randint(20, 35)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    if kind is ValueKind.QUANTITY:
        return rnd.choice(
            [f"{rnd.randint(1, 99)}%", f"+{rnd.randint(1, 20)}%", "3.5", f"{number(rnd)} USD", "2d"]
        )
    if kind is ValueKind.PERCENT:
        return f"{rnd.randint(0, 100)}%"
    if kind is ValueKind.RATE:
        return f"{rnd.choice(['', '+', '-'])}{rnd.randint(1, 50)}% per year"
    if kind is ValueKind.CHOICE:
        return rnd.choice(choices)
    if kind is ValueKind.IDENT:
        return rnd.choice(WORDS)
    # kinds the generator knows by name only (newer clauses of the table)
    if kind.value == "percent":
        return f"{rnd.randint(0, 100)}%"
    if kind.value == "rate":
        return f"{rnd.randint(1, 50)}% per year"
    return None  # a kind the generator does not know yet: the clause is left out


def clauses(
    rnd: random.Random,
    keyword: str,
    world: World,
    scope: list[str] | None = None,
    skip: tuple[str, ...] = (),
) -> list[str]:
    """A random choice of the statement's clauses, in random order, one per attribute."""
    out: list[str] = []
    used: set[str] = set()
    spec = STATEMENTS[keyword]
    for clause in spec.clauses:
        if clause.keyword in skip or clause.attr in used and not clause.repeat:
            continue
        if clause.attr == "lifecycle_by" and "lifecycle" not in used:
            continue  # `by` dates a `planned` or `retiring` element
        if rnd.random() < 0.5:
            continue
        times = rnd.randint(1, 2) if clause.repeat else 1
        for _ in range(times):
            v = value(rnd, clause.value, clause.ref, clause.choices, world, scope or [])
            if v is None:
                break
            used.add(clause.attr)
            out.append(f"{clause.keyword} {v}".rstrip())
    rnd.shuffle(out)
    # repeated clauses keep their own order only relative to themselves; shuffling is fine
    return out


def generate(rnd: random.Random, header: bool = True) -> str:
    """A valid map (a root when `header`, else a fragment that loads on its own)."""
    world = World()
    world.goals = [f"g{i}" for i in range(rnd.randint(0, 2))]
    w = Writer(rnd)
    block = rnd.choice([2, 2, 4])
    if header:
        w.lines.append("# a generated map")
        world.teams.append("t0")
        w.statement(0, 'map "Generated"', clauses(rnd, "map", world), block)
    for i in range(rnd.randint(1, 3)):
        if f"t{i}" not in world.teams:
            world.teams.append(f"t{i}")
        w.statement(0, f'team t{i} "Team {i}"', clauses(rnd, "team", world), block)
    for i in range(rnd.randint(0, 2)):
        world.personas.append(f"p{i}")
        w.statement(0, f"persona p{i}", clauses(rnd, "persona", world), block)
    if rnd.random() < 0.5:
        world.channels.append("fax")
        w.statement(0, 'channel fax "Fax"', [], block)
    for i in range(rnd.randint(1, 3)):
        name = f"sys{i}"
        world.systems.append(name)
        w.statement(0, f'system {name} "System {i}"', clauses(rnd, "system", world), block)
        if rnd.random() < 0.3:
            w.lines.append(
                " " * block + f"cost {number(rnd)} USD {rnd.choice(['once', 'per year'])}"
            )
        world.fields[name] = []
        for e in range(rnd.randint(0, 2)):
            ent = f"E{e}"
            w.statement(0, f"entity {name}.{ent}", clauses(rnd, "entity", world), block)
            for f in range(rnd.randint(1, 3)):
                ftype = rnd.choice(
                    ["string", "email", "phone", "integer", 'enum(a, b, "c d")', "ref(E0)", "money"]
                )
                flags = " ".join(
                    rnd.sample(["required", "unique", "key", "pii"], rnd.randint(0, 2))
                    + rnd.choice([[], [], [], ["planned"], ["retiring", "by", "2027-01-31"]])
                )
                w.comment(block)
                w.lines.append(" " * block + f"f{f}: {ftype} {flags}".rstrip() + w.eol())
                world.fields[name].append((ent, f"f{f}"))
    processes = []
    for i in range(rnd.randint(0, 2)):
        pid = f"proc{i}"
        nodes = [f"n{j}" for j in range(rnd.randint(1, 4))]
        processes.append((pid, nodes))
        world.steps.extend(f"{pid}.{n}" for n in nodes[:-1])
        world.supports.append(pid)
    for i in range(rnd.randint(0, 2)):
        jid = f"journey{i}"
        world.supports.append(jid)
        w.statement(0, f'journey {jid} "Journey {i}"', clauses(rnd, "journey", world), block)
        inner = rnd.choice([2, 4])
        for s in range(rnd.randint(1, 2)):
            w.statement(block, f"stage st{s}", clauses(rnd, "stage", world), inner)
            for t in range(rnd.randint(0, 2)):
                tp = f"tp{s}_{t}"
                world.supports.append(f"{jid}.{tp}")
                w.statement(
                    block + inner,
                    f'touchpoint {tp} "Touch {t}"',
                    clauses(rnd, "touchpoint", world),
                    inner,
                )
                if rnd.random() < 0.3:
                    w.statement(block + 2 * inner, 'kpi "Rate"', clauses(rnd, "kpi", world), inner)
                if rnd.random() < 0.3:
                    idea = f'idea "{rnd.choice(TEXTS)}"'
                    w.statement(block + 2 * inner, idea, clauses(rnd, "idea", world), inner)
    for pid, nodes in processes:
        w.statement(0, f"process {pid}", clauses(rnd, "process", world), block)
        for j, n in enumerate(nodes):
            last = j == len(nodes) - 1
            if last:
                w.statement(block, f'end {n} "Done"', clauses(rnd, "end", world), block)
            elif rnd.random() < 0.3 and j + 1 < len(nodes):
                w.statement(block, f"decision {n}", clauses(rnd, "decision", world), block)
                w.lines.append(" " * 2 * block + f"yes -> {nodes[j + 1]}")
                w.lines.append(" " * 2 * block + f'"no way" -> {nodes[-1]}')
            else:
                later = nodes[j + 1 :]
                w.statement(
                    block, f'step {n} "Step {j}"', clauses(rnd, "step", world, later), block
                )
        if len(nodes) > 2 and rnd.random() < 0.3:
            w.lines.append(" " * block + f"flow {nodes[0]} -> {nodes[1]}")
    with_fields = [s for s in world.systems if world.fields[s]]
    for i in range(rnd.randint(0, 2)):
        if len(with_fields) < 1:
            break
        a, b = rnd.choice(with_fields), rnd.choice(with_fields)
        two_way = rnd.random() < 0.4
        cl = clauses(rnd, "integration", world, skip=("master",))
        if two_way and rnd.random() < 0.5:
            cl.append(f"master {a}")
        w.statement(
            0, f'integration i{i} "Sync {i}" {a} {"<->" if two_way else "->"} {b}', cl, block
        )
        for _ in range(rnd.randint(0, 2)):
            ea, fa = rnd.choice(world.fields[a])
            eb, fb = rnd.choice(world.fields[b])
            w.statement(
                block, f"map {ea}.{fa} -> {eb}.{fb}", clauses(rnd, "map-line", world), block
            )
    for goal in world.goals:
        w.statement(0, f'goal {goal} "Goal {goal}"', clauses(rnd, "goal", world), block)
        for k in range(rnd.randint(0, 2)):
            w.statement(block, f"metric m{k}", clauses(rnd, "metric", world), block)
        if rnd.random() < 0.5:
            w.lines.append(
                " " * block + f"cost {number(rnd)} EUR per {rnd.choice(['year', 'month'])}"
            )
    w.comment(0)
    return "\n".join(w.lines) + "\n"
