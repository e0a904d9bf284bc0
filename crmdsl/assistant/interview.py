"""The guided interview: short answers in, a new map that loads out.

The CRM mapping method as a conversation, in three phases: *discovery* (teams,
personas, channels, systems, the records each is the system of, the data each holds),
*analysis* (the journey's stages, touchpoints, how each feels, pains, ideas, moments of
truth, a process with its steps, owners and SLAs, how data moves between systems) and
*design* (goals with baseline, target, date and cost). Each question has an example and
a default (an empty answer takes it). `skip` leaves it open, `back` returns to the
previous question, `stop` keeps the progress and ends; running the interview again on
the same file resumes.

After every answer the map is written (formatted, and always loading: an answer that
would break it is left out and noted) and the progress is kept in a sidecar next to it,
`NAME.crm.interview.json` (`{"answers": {...}, "at": N}`), removed when the interview
ends. Skipped questions stay in the map as `# open question:` comments; the last
message lists the findings that say what to map next.
"""

# ruff: noqa: E501  (the table of questions: one question a line reads best)

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import crmdsl
from crmdsl.assistant.edits import slug
from crmdsl.assistant.files import write_new

__all__ = ["QUESTIONS", "Interview", "Question", "build_map", "run_interview", "sidecar_of"]


@dataclass(frozen=True, slots=True)
class Question:
    """One question: its key, phase, words, example and default answer."""

    key: str
    phase: str
    text: str
    example: str
    default: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question("title", "discovery", "What is the map called (your company or unit)?", "Acme SMB", "Our CRM map"),
    Question("teams", "discovery", "Which teams work with customers?", "Sales, Marketing, Customer Service", "Sales, Marketing, Service"),
    Question("personas", "discovery", "Who are your customers (personas)?", "SMB buyer, Finance admin", "Customer"),
    Question("channels", "discovery", "Which channels do they reach you on?", "web, email, phone, chat, Partner portal", "web, email"),
    Question("systems", "discovery", "Which systems hold customer data?", "Salesforce, HubSpot, Zendesk"),
    Question("records", "discovery", "Which system is the record of what?", "Salesforce: customer, opportunity; Zendesk: ticket"),
    Question("data", "discovery", "What data does each system hold (entity and fields)?", "Salesforce: Lead(email, phone, status); Zendesk: Ticket(subject, requester_email)"),
    Question("stages", "analysis", "What are the stages of the customer's journey?", "Awareness, Purchase, Onboarding, Support", "Awareness, Purchase, Support"),
    Question("touchpoints", "analysis", "Which touchpoints are in each stage?", "Awareness: LinkedIn ad, Webinar; Support: Ticket"),
    Question("scores", "analysis", "How does each touchpoint feel, 1 (bad) to 5 (great)?", "Webinar: 4; Ticket: 2"),
    Question("pains", "analysis", "What pains the customer at each touchpoint?", "Ticket: Has to repeat the order number"),
    Question("ideas", "analysis", "Any ideas to fix those pains?", "Ticket: Show the order in the ticket form"),
    Question("moments", "analysis", "Which touchpoints are moments of truth?", "Demo, Ticket"),
    Question("process", "analysis", "A process behind the journey, and its steps in order?", "Lead to cash: Qualify, Quote, Order"),
    Question("step_owners", "analysis", "Who owns each step, and its SLA?", "Qualify: Sales 1d; Quote: Sales 2d"),
    Question("integrations", "analysis", "How does data move between systems?", "HubSpot -> Salesforce daily; Salesforce <-> NetSuite realtime"),
    Question("goals", "design", "What goals (baseline, target, date, cost)?", "Grow SMB sales: baseline 1_000_000 USD, target +10%, by 2027-06-30, cost 40_000 USD per year"),
)  # fmt: skip

_FREQS = ("realtime", "hourly", "daily", "on-change", "manual")


@functools.cache
def _builtin_channel(word: str) -> bool:
    """True for a built-in channel id (an empty map's `channel` knows them)."""
    return crmdsl.analyze("", "<channels>").map.channel(word) is not None


def _items(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,\n]", text) if x.strip()]


def _pairs(text: str) -> list[tuple[str, str]]:
    """`A: x, y; B: z` -> [(A, "x, y"), (B, "z")]."""
    out = []
    for part in re.split(r"[;\n]", text):
        if ":" in part:
            head, tail = part.split(":", 1)
            out.append((head.strip(), tail.strip()))
    return out


def _q(text: str) -> str:
    return '"' + text.replace("\\", "").replace('"', "'") + '"'


class _Ids:
    """Labels to ids, unique across the map, and found again by label (any case)."""

    def __init__(self) -> None:
        self.by_label: dict[str, str] = {}
        self.used: set[str] = set()

    def new(self, label: str, fallback: str) -> str:
        base = slug(label, fallback)
        ident, n = base, 2
        while ident in self.used:
            ident, n = f"{base}_{n}", n + 1
        self.used.add(ident)
        self.by_label[label.lower()] = ident
        return ident

    def get(self, label: str) -> str | None:
        return self.by_label.get(label.strip().lower()) or (
            slug(label) if slug(label) in self.used else None
        )


def _discovery(a: dict[str, str], ids: _Ids) -> list[str]:
    blocks: list[str] = []
    teams = [(ids.new(t, "team"), t) for t in _items(a.get("teams", ""))]
    blocks += [f"team {i} {_q(t)}" for i, t in teams]
    blocks += [f"persona {ids.new(p, 'persona')} {_q(p)}" for p in _items(a.get("personas", ""))]
    for c in _items(a.get("channels", "")):
        word = slug(c)
        if not _builtin_channel(word):
            blocks.append(f"channel {ids.new(c, 'channel')} {_q(c)}")
        else:
            ids.by_label[c.lower()] = word
    owner = f" owner {teams[0][0]}" if teams else ""
    records = {k.lower(): [slug(x) for x in _items(v)] for k, v in _pairs(a.get("records", ""))}
    for s in _items(a.get("systems", "")):
        ident = ids.new(s, "system")
        rec = records.get(s.lower(), [])
        blocks.append(
            f"system {ident} {_q(s)}{owner}" + (f" record-of {', '.join(rec)}" if rec else "")
        )
    blocks += _entities(a.get("data", ""), ids)
    return blocks


def _entities(text: str, ids: _Ids) -> list[str]:
    out = []
    for system, rest in _pairs(text):
        sys_id = ids.get(system)
        for name, fields in re.findall(r"([A-Za-z]\w*)\s*\(([^)]*)\)", rest):
            lines = [f"entity {sys_id}.{name[0].upper()}{name[1:]}"]
            for f in _items(fields):
                fid = slug(f, "field")
                kind = (
                    "email pii" if "email" in fid else "phone pii" if "phone" in fid else "string"
                )
                lines.append(f"  {fid}: {kind}")
            out.append("\n".join(lines))
    return out


def _journey(a: dict[str, str], ids: _Ids) -> list[str]:
    stages = _items(a.get("stages", ""))
    if not stages:
        return []
    persona = next(iter(_items(a.get("personas", ""))), None)
    team = next(iter(_items(a.get("teams", ""))), None)
    head = "journey customer_journey " + _q("Customer journey")
    head += f" persona {ids.get(persona)}" if persona and ids.get(persona) else ""
    head += f" owner {ids.get(team)}" if team and ids.get(team) else ""
    by_stage = {k.lower(): _items(v) for k, v in _pairs(a.get("touchpoints", ""))}
    scores = {k.lower(): v.strip() for k, v in _pairs(a.get("scores", ""))}
    pains = {k.lower(): _items(v) for k, v in _pairs(a.get("pains", ""))}
    ideas = {k.lower(): _items(v) for k, v in _pairs(a.get("ideas", ""))}
    moments = {m.lower() for m in _items(a.get("moments", ""))}
    lines = [head]
    for stage in stages:
        lines.append(f"  stage {ids.new(stage, 'stage')} {_q(stage)}")
        for tp in by_stage.get(stage.lower(), []):
            key = tp.lower()
            line = f"    touchpoint {ids.new(tp, 'touchpoint')} {_q(tp)}"
            if re.fullmatch(r"[1-5]", scores.get(key, "")):
                line += f" score {scores[key]}"
            if key in moments:
                line += " moment-of-truth"
            lines.append(line)
            lines += [f"      pain {_q(p)}" for p in pains.get(key, [])]
            lines += [f"      idea {_q(i)}" for i in ideas.get(key, [])]
    return ["\n".join(lines)]


def _process(a: dict[str, str], ids: _Ids) -> list[str]:
    found = _pairs(a.get("process", ""))
    if not found:
        return []
    name, steps = found[0]
    owners = {k.lower(): v.split() for k, v in _pairs(a.get("step_owners", ""))}
    lines = [f"process {ids.new(name, 'process')} {_q(name)}"]
    for step in _items(steps):
        line = f"  step {ids.new(step, 'step')} {_q(step)}"
        for word in owners.get(step.lower(), []):
            if re.fullmatch(r"\d+(m|h|d|w|mo|y)", word):
                line += f" sla {word}"
            elif ids.get(word):
                line += f" owner {ids.get(word)}"
        lines.append(line)
    lines.append(f"  end done {_q('Done')}")
    return ["\n".join(lines)]


def _integrations(a: dict[str, str], ids: _Ids) -> list[str]:
    out = []
    for part in re.split(r"[;\n]", a.get("integrations", "")):
        m = re.match(r"\s*(.+?)\s*(<->|->)\s*(\S+)\s*(.*)$", part)
        if not m:
            continue
        src, dst = ids.get(m.group(1)), ids.get(m.group(3))
        if not src or not dst:
            continue
        line = f"integration {ids.new(f'{src}_to_{dst}', 'integration')} {src} {m.group(2)} {dst}"
        freq = m.group(4).strip().lower()
        if freq in _FREQS:
            line += f" {freq}"
        if m.group(2) == "<->":
            line += f" master {src}"
        out.append(line)
    return out


def _goals(a: dict[str, str], ids: _Ids) -> list[str]:
    out = []
    for label, rest in _pairs(a.get("goals", "")):
        lines = [f"goal {ids.new(label, 'goal')} {_q(label)}"]
        parts = {p.split(None, 1)[0].lower(): p.split(None, 1)[1] for p in _items(rest) if " " in p}
        metric = " ".join(f"{k} {parts[k]}" for k in ("baseline", "target", "by") if k in parts)
        if metric:
            lines.append(f"  metric result {metric}")
        if "cost" in parts:
            lines.append(f"  cost {parts['cost']}")
        out.append("\n".join(lines))
    return out


def build_map(answers: dict[str, str], path: str, today: dt.date | None = None) -> str:
    """The map the answers describe, formatted; parts that would not load are left out."""
    ids = _Ids()
    title = answers.get("title") or "Our CRM map"
    blocks: list[str] = []
    for part in (_discovery, _journey, _process, _integrations, _goals):
        blocks += part(answers, ids)
    team = next(iter(_items(answers.get("teams", ""))), None)
    owner = f"\n  owner {ids.get(team)}" if team and ids.get(team) else ""
    reviewed = (today or dt.date.today()).isoformat()
    blocks.insert(0, f"map {_q(title)}{owner}\n  reviewed {reviewed}")
    notes = [
        f"# open question: {q.text} (e.g. {q.example})" for q in QUESTIONS if q.key not in answers
    ]
    return _loading(blocks, notes, path)


def _loading(blocks: list[str], notes: list[str], path: str) -> str:
    """Join the blocks; drop each block that holds a load error, noting it."""
    for _ in range(len(blocks) + 1):
        text = "\n\n".join(blocks) + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "")
        analysis = crmdsl.analyze(text, path)
        if analysis.ok:
            try:
                return crmdsl.format_text(text, path)
            except crmdsl.NotFormattable:  # pragma: no cover - it loads, so it formats
                return text
        first = analysis.diagnostics[0]
        line = first.span.line if first.span else 1
        at = 0
        for i, block in enumerate(blocks):
            at += block.count("\n") + 2
            if line <= at:
                notes.append(f"# left out (it did not load: {first.message}):")
                notes += [f"#   {x}" for x in block.splitlines()]
                del blocks[i]
                break
        else:  # pragma: no cover - an error in the notes themselves
            notes = []
    return "\n\n".join(blocks[:1]) + "\n"  # pragma: no cover


def sidecar_of(path: str) -> Path:
    """Where the interview keeps its progress: `NAME.crm.interview.json` next to the map."""
    return Path(path + ".interview.json")


def _load_progress(path: str) -> tuple[dict[str, str], int]:
    side = sidecar_of(path)
    if not side.exists():
        return {}, 0
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        answers = {str(k): str(v) for k, v in dict(data["answers"]).items()}
        return answers, int(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}, 0


def _save(path: str, answers: dict[str, str], at: int) -> None:
    write_new(path, build_map(answers, path))
    write_new(str(sidecar_of(path)), json.dumps({"answers": answers, "at": at}, indent=2) + "\n")


class Interview:
    """The interview as steps: `opening()`, then `question()` and `answer(said)` in turn.

    `answers` and `at` are the progress; `text()` is the map the answers make so far.
    `crmdsl chat --interview` drives it at a prompt (writing the map and its progress
    after each answer); the editor drives it in its Assistant pane (writing into the
    editor's text).
    """

    def __init__(self, path: str, answers: dict[str, str] | None = None, at: int = 0) -> None:
        self.path = path
        self.answers: dict[str, str] = dict(answers or {})
        self.at = at
        self.stopped = False

    @property
    def done(self) -> bool:
        """True when every question is answered (or skipped)."""
        return self.at >= len(QUESTIONS)

    def opening(self) -> str:
        """What is said before the first question."""
        if self.at:
            return f"Resuming at question {self.at + 1} of {len(QUESTIONS)}."
        return (
            "Let's map your CRM. Short answers are fine; an empty answer takes the default. "
            "Say `skip`, `back` or `stop` (to go on later) at any question."
        )

    def question(self) -> str:
        """The current question, with its example and default."""
        q = QUESTIONS[self.at]
        given = self.answers.get(q.key) or q.default
        default = f" [{given}]" if given else ""
        return (
            f"**{q.phase.capitalize()} {self.at + 1}/{len(QUESTIONS)}.** {q.text}\n\n"
            f"(e.g. {q.example}){default}"
        )

    def answer(self, said: str) -> None:
        """Take an answer (or `skip`, `back`, `stop`) to the current question."""
        said = said.strip()
        word = said.lower()
        if word == "stop":
            self.stopped = True
            return
        if word == "back":
            self.at = max(0, self.at - 1)
            return
        q = QUESTIONS[self.at]
        given = self.answers.get(q.key) or q.default
        if word == "skip":
            self.answers.pop(q.key, None)
        elif said or given:
            self.answers[q.key] = said or given
        self.at += 1

    def text(self) -> str:
        """The map the answers make so far (formatted, and always loading)."""
        return build_map(self.answers, self.path)

    def next_steps(self, crm_map_text: str, where: str = "is written") -> str:
        """The closing message: the findings that say what to map next.

        `where` says where the map is (`is written`, `is in the editor`).
        """
        analysis = crmdsl.analyze(crm_map_text, self.path)
        findings = crmdsl.lint(analysis).findings
        lines = [f"- {d.code} {d.message} ({d.span})" for d in findings[:12]]
        return f"Done: {self.path} {where} and loads. What to map next:\n\n" + (
            "\n".join(lines) if lines else "- nothing: no finding"
        )


def run_interview(path: str, read: Callable[[str], str], say: Callable[[str], None]) -> int:
    """Ask the questions, write the map as it grows; return the exit code (0)."""
    if Path(path).exists() and not sidecar_of(path).exists():
        raise crmdsl.UsageError(
            f"{path} exists; the interview writes a new map (choose a new name)"
        )
    interview = Interview(path, *_load_progress(path))
    say(interview.opening())
    while not interview.done:
        say(interview.question())
        try:
            said = read("> ")
        except EOFError:
            said = "stop"
        interview.answer(said)
        _save(path, interview.answers, interview.at)
        if interview.stopped:
            say(f"Stopped. The map so far is in {path}; run the interview again to go on.")
            return 0
    sidecar_of(path).unlink(missing_ok=True)
    say(interview.next_steps(Path(path).read_text(encoding="utf-8")))
    return 0
