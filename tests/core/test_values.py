"""Values and lexical rules as docs/language.md fixes them, seen through the loaded model."""

from __future__ import annotations

import datetime as dt

import pytest

import crmdsl
from crmdsl import model as m

from .helpers import brief, load_clean

# -- scores, choices, currencies, dates ----------------------------------------------


def touchpoint(clauses: str) -> str:
    return f"journey j\n  stage s\n    touchpoint t {clauses}\n"


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_scores_one_to_five(score: int) -> None:
    crm_map = load_clean(touchpoint(f"score {score}"))
    assert crm_map.journeys[0].stages[0].touchpoints[0].score == score


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("0", "a score is a whole number from 1 to 5, not 0"),
        ("6", "a score is a whole number from 1 to 5, not 6"),
        ("-1", "expected a score from 1 to 5 after `score`, found `-1`"),
        ("3.5", "expected a score from 1 to 5 after `score`, found `3.5`"),
    ],
)
def test_scores_outside_the_range(written: str, message: str) -> None:
    assert brief(touchpoint(f"score {written}")) == [("bad-value", 3, 24, message)]


@pytest.mark.parametrize("kind", ["crm", "marketing", "data_warehouse", "other"])
def test_system_kinds(kind: str) -> None:
    assert load_clean(f"system s kind {kind}\n").systems[0].kind == kind


@pytest.mark.parametrize("method", ["api", "webhook", "file", "etl", "manual"])
def test_integration_via(method: str) -> None:
    crm_map = load_clean(f"system a\nsystem b\nintegration i a -> b via {method}\n")
    assert crm_map.integrations[0].via == method


def test_bad_via_suggests() -> None:
    text = "system a\nsystem b\nintegration i a -> b via apii\n"
    (d,) = crmdsl.analyze(text, "m.crm").diagnostics
    assert (d.kind, d.message, d.hint) == (
        "bad-value",
        "`apii` is not a via of an integration",
        "did you mean `api`?",
    )


@pytest.mark.parametrize(
    ("written", "kind", "every"),
    [
        ("every 15m", "every", "15m"),
        ("every 6mo", "every", "6mo"),
        ("realtime", "realtime", None),
        ("hourly", "hourly", None),
        ("daily", "daily", None),
        ("on-change", "on-change", None),
        ("manual", "manual", None),
    ],
)
def test_frequencies(written: str, kind: str, every: str | None) -> None:
    crm_map = load_clean(f"system a\nsystem b\nintegration i a -> b {written}\n")
    freq = crm_map.integrations[0].frequency
    assert freq is not None
    assert (freq.kind, None if freq.every is None else freq.every.text) == (kind, every)
    assert str(freq) == written


def test_two_frequencies_are_an_error() -> None:
    text = "system a\nsystem b\nintegration i a -> b hourly daily\n"
    assert brief(text) == [
        ("clause-not-allowed", 3, 29, "an integration takes one of `hourly` and `daily`, not both")
    ]


def goal(metric: str) -> str:
    return f"goal g\n  metric revenue {metric}\n"


def metric_of(text: str) -> m.Metric:
    return load_clean(text).goals[0].metrics[0]


@pytest.mark.parametrize(
    ("written", "kind", "value", "signed", "currency"),
    [
        ("1_000_000 USD", "money", 1_000_000.0, False, "USD"),
        ("3.5 EUR", "money", 3.5, False, "EUR"),
        ("-3 JPY", "money", -3.0, True, "JPY"),
        ("25%", "percent", 25.0, False, None),
        ("+10%", "percent", 10.0, True, None),
        ("-5%", "percent", -5.0, True, None),
        ("2.5%", "percent", 2.5, False, None),
        ("42", "number", 42.0, False, None),
        ("1_000", "number", 1000.0, False, None),
        ("-3", "number", -3.0, True, None),
        ("3.5", "number", 3.5, False, None),
        ("2d", "duration", 2.0, False, None),
    ],
)
def test_quantities(
    written: str, kind: str, value: float, signed: bool, currency: str | None
) -> None:
    target = metric_of(goal(f"target {written}")).target
    assert target is not None
    assert (target.kind, target.value, target.signed, target.currency) == (
        kind,
        value,
        signed,
        currency,
    )
    assert str(target) == written


def test_metric_parts_may_be_left_out() -> None:
    metric = metric_of(goal("by 2027-06-30"))
    assert (metric.baseline, metric.target, metric.by) == (None, None, dt.date(2027, 6, 30))


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        (
            "5 usd",
            "`usd` is not an ISO 4217 currency code",
            "currency codes are written in capitals: USD",
        ),
        (
            "5 XYZ",
            "`XYZ` is not an ISO 4217 currency code",
            "use an ISO 4217 code such as USD or EUR",
        ),
        ("5 EUO", "`EUO` is not an ISO 4217 currency code", "did you mean `EUR`?"),
    ],
)
def test_currency_must_be_iso_4217(written: str, message: str, hint: str) -> None:
    (d,) = crmdsl.analyze(goal(f"baseline {written}"), "m.crm").diagnostics
    assert (d.kind, d.message, d.hint) == ("bad-value", message, hint)


@pytest.mark.parametrize(
    ("period", "expected"),
    [("per year", "year"), ("per month", "month"), ("once", "once")],
)
def test_cost_periods(period: str, expected: str) -> None:
    crm_map = load_clean(f"goal g\n  cost 1_500 EUR {period}\n  cost 10 EUR once\n")
    costs = crm_map.goals[0].costs
    assert [(c.amount.value, c.amount.currency, c.period) for c in costs] == [
        (1500.0, "EUR", expected),
        (10.0, "EUR", "once"),
    ]


def test_cost_needs_a_currency_and_a_period() -> None:
    assert brief("goal g\n  cost 5 per year\n  cost 5 USD per week\n") == [
        (
            "syntax",
            2,
            10,
            "expected a currency code after the amount of a `cost`, such as USD, found `per`",
        ),
        (
            "syntax",
            3,
            18,
            "expected `per year`, `per month` or `once` after the amount of a `cost`, found `week`",
        ),
    ]


@pytest.mark.parametrize(
    ("written", "ok"),
    [
        ("2026-09-01", True),
        ("2024-02-29", True),
        ("2026-02-30", False),
        ("2025-02-29", False),
        ("2026-13-01", False),
        ("2026-00-10", False),
    ],
)
def test_dates_are_real_calendar_dates(written: str, ok: bool) -> None:
    found = brief(f'map "M" reviewed {written}\n')
    if ok:
        assert found == []
        assert crmdsl.loads(f'map "M" reviewed {written}\n').header.reviewed.isoformat() == written
    else:
        assert found == [("bad-value", 1, 18, f"`{written}` is not a real date")]


@pytest.mark.parametrize(
    ("written", "amount", "unit", "minutes"),
    [
        ("30m", 30, "m", 30),
        ("4h", 4, "h", 240),
        ("2d", 2, "d", 2880),
        ("1w", 1, "w", 10080),
        ("6mo", 6, "mo", 6 * 43200),
        ("3y", 3, "y", 3 * 525600),
        ("1_000m", 1000, "m", 1000),
    ],
)
def test_durations(written: str, amount: int, unit: str, minutes: int) -> None:
    step = load_clean(f"process p\n  step a takes {written}\n").processes[0].nodes[0]
    assert isinstance(step, m.Step) and step.takes is not None
    assert (step.takes.amount, step.takes.unit, step.takes.minutes, str(step.takes)) == (
        amount,
        unit,
        minutes,
        written,
    )


def test_a_number_without_unit_is_not_a_duration() -> None:
    (d,) = crmdsl.analyze("process p\n  step a takes 4\n", "m.crm").diagnostics
    assert (d.kind, d.message, d.hint) == (
        "syntax",
        "expected a duration such as 4h or 2d after `takes`, found `4`",
        "a number needs a unit: m, h, d, w, mo or y",
    )


def test_integers_with_underscores() -> None:
    crm_map = load_clean("system s users 1_200\nentity s.E records 250_000\n")
    assert (crm_map.systems[0].users, crm_map.entities[0].records) == (1200, 250_000)


@pytest.mark.parametrize("written", ["1__0", "10_"])
def test_malformed_number_is_named(written: str) -> None:
    (d,) = crmdsl.analyze(f"system s users {written}\n", "m.crm").diagnostics
    assert written in d.message and "unexpected character" not in d.message


# -- strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        (r'"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"two\nlines"', "two\nlines"),
        (r'"# not a comment"', "# not a comment"),
        (r'"Ünïcödé ✓ 日本 🙂"', "Ünïcödé ✓ 日本 🙂"),
        (r'""', ""),
    ],
)
def test_string_escapes(written: str, value: str) -> None:
    assert load_clean(f"team a {written}\n").teams[0].label == value


def test_bad_escape_points_at_it() -> None:
    (d,) = crmdsl.analyze('team a "ok \\t no"\n', "m.crm").diagnostics
    assert (d.kind, d.span.col, d.span.end_col, d.message) == (
        "syntax",
        12,
        14,
        "`\\t` is not an escape a string knows",
    )


def test_columns_count_code_points() -> None:
    (d,) = crmdsl.analyze('team a "日本🙂" frob\n', "m.crm").diagnostics
    assert d.span.col == 14


# -- keywords as names ---------------------------------------------------------------


def test_keywords_are_not_reserved_where_a_name_is_expected() -> None:
    crm_map = load_clean(
        "system s\n"
        "entity s.Deal\n"
        '  stage: enum(owner, end, "on hold", map)\n'
        "  email: email\n"
        "  map: string\n"
        "  owner: ref(Deal)\n"
        "team stage\n"
        "process p owner stage\n"
        '  step owner "Owner step" owner stage\n'
        "  decision end\n"
        '    "end" -> close\n'
        "    map -> owner\n"
        "  end close\n"
    )
    deal = crm_map.entities[0]
    assert [f.name for f in deal.fields] == ["stage", "email", "map", "owner"]
    assert deal.fields[0].type.values == ["owner", "end", "on hold", "map"]
    assert deal.fields[3].type.ref.target == "s.Deal"
    process = crm_map.processes[0]
    assert [n.id for n in process.nodes] == ["owner", "end", "close"]
    assert [(e.source, e.target, e.label) for e in process.edges] == [
        ("owner", "end", None),
        ("end", "close", "end"),
        ("end", "owner", "map"),
    ]


def test_bare_end_outcome_is_read_as_an_outcome() -> None:
    # docs/language.md suggests `"end" -> close`; in a decision's block any `X -> Y` line is an
    # outcome, so the bare word works too (docs/language.md says so).
    crm_map = load_clean("process p\n  decision d\n    end -> e\n  end e\n")
    assert [(e.label, e.target) for e in crm_map.processes[0].edges] == [("end", "e")]


def test_quoted_and_bare_outcomes_are_one_label() -> None:
    found = brief('process p\n  decision d\n    yes -> e\n    "yes" -> e\n  end e\n')
    assert found == [("duplicate-id", 4, 5, "the outcome `yes` is listed twice in decision `d`")]


# -- files: BOM, CRLF, comments ---------------------------------------------------------


def test_bom_and_crlf() -> None:
    text = '\ufeffmap "M"\r\n  owner a\r\nteam a "A"\r\n'
    analysis = crmdsl.analyze(text, "m.crm")
    assert analysis.diagnostics == []
    assert analysis.map.title == "M" and analysis.map.teams[0].label == "A"
    source = analysis.sources["m.crm"]
    assert (source.bom, source.newline) == (True, "\r\n")


def test_bom_and_crlf_from_a_file(tmp_path) -> None:
    path = tmp_path / "m.crm"
    path.write_bytes(b'\xef\xbb\xbfmap "M"\r\nteam a\r\nteam a\r\n')
    (d,) = crmdsl.analyze_path(path).diagnostics
    assert (d.span.line, d.span.col) == (3, 6)


def test_comments_anywhere_are_kept() -> None:
    text = (
        "# first\n"
        'team a "A # not a comment" # after\n'
        "    # deeper than anything\n"
        "journey j\n"
        "# at column 1 inside a block\n"
        "  stage s # crmdsl: ignore[J101]\n"
        "\n"
        "      # crmdsl: ignore[J105]\n"
        "    touchpoint t score 3\n"
        "# crmdsl: ignore-file[M001]\n"
    )
    crm_map = load_clean(text)
    assert crm_map.teams[0].label == "A # not a comment"
    assert [tp.id for tp in crm_map.journeys[0].stages[0].touchpoints] == ["t"]
    assert [(c.line, c.col, c.text, c.own_line) for c in crm_map.comments] == [
        (1, 1, "# first", True),
        (2, 28, "# after", False),
        (3, 5, "# deeper than anything", True),
        (5, 1, "# at column 1 inside a block", True),
        (6, 11, "# crmdsl: ignore[J101]", False),
        (8, 7, "# crmdsl: ignore[J105]", True),
        (10, 1, "# crmdsl: ignore-file[M001]", True),
    ]
    assert {c.file for c in crm_map.comments} == {"m.crm"}


def test_comments_of_a_line_that_does_not_parse_are_kept() -> None:
    analysis = crmdsl.analyze("team a @ # crmdsl: ignore[X1]\nteam b # ok\n", "m.crm")
    assert [c.text for c in analysis.map.comments] == ["# crmdsl: ignore[X1]", "# ok"]


def test_labels_are_optional_and_title_falls_back() -> None:
    crm_map = load_clean('system s\nentity s.Lead\nteam a\nteam b "Bee"\n')
    assert [t.title for t in crm_map.teams] == ["a", "Bee"]
    assert crm_map.entities[0].title == "Lead"


def test_builtin_channels_and_relabelling() -> None:
    crm_map = load_clean(
        'channel web "Website"\nchannel fax "Fax"\n'
        "journey j\n  stage s\n    touchpoint a channel web\n    touchpoint b channel fax\n"
        "    touchpoint c channel in_person\n"
    )
    assert crm_map.channel("web").title == "Website" and not crm_map.channel("web").builtin
    assert crm_map.channel("in_person").title == "In person"
    assert crm_map.channel("mail").builtin
    assert [c.id for c in crm_map.channels] == ["web", "fax"]
    tps = crm_map.journeys[0].stages[0].touchpoints
    assert [tp.channel.target for tp in tps] == ["channel:web", "channel:fax", "channel:in_person"]


def test_channels_have_their_own_namespace() -> None:
    crm_map = load_clean(
        "team email\nchannel sales\njourney j\n  stage s\n    touchpoint t channel email owner email\n"
    )
    tp = crm_map.journeys[0].stages[0].touchpoints[0]
    assert (tp.channel.target, tp.owner.target) == ("channel:email", "email")


def test_field_refs_within_and_across_systems() -> None:
    crm_map = load_clean(
        "system a\nsystem b\nentity b.Account\n  id: id key\n"
        "entity a.Deal\n  account: ref(b.Account)\n  parent: ref(Deal)\n"
    )
    deal = crm_map.lookup("a.Deal")
    assert [f.type.ref.target for f in deal.fields] == ["b.Account", "a.Deal"]
    (d,) = crmdsl.analyze("system a\nentity a.Deal\n  x: ref(Acount)\n", "m.crm").diagnostics
    assert (d.kind, d.message) == ("unknown-reference", "no entity `a.Acount` for this `ref`")


def test_map_line_may_name_its_ends_system() -> None:
    text = (
        "system a\nsystem b\nentity a.E\n  x: string\nentity b.F\n  y: string\n"
        "integration i a <-> b master b\n  map a.E.x -> F.y key\n"
    )
    (mapping,) = load_clean(text).integrations[0].maps
    assert (mapping.source.target, mapping.target.target, mapping.key) == ("a.E.x", "b.F.y", True)


@pytest.mark.parametrize(
    ("text", "col", "message", "hint"),
    [
        (
            "goal g\n  metric revenue baseline 1,000,000 USD\n",
            28,
            "a number has no `,` in it",
            "group digits with `_`, as in 1_000_000",
        ),
        (
            "journey j\n  stage s\n    touchpoint t channel web, email\n",
            29,
            "`channel` takes one value, not a list",
            "remove the `,` and what follows it",
        ),
        (
            "process p\n  step a manual, sla 1d\n",
            16,
            "`manual` is a flag: it stands alone, without a `,`",
            "separate clauses with spaces",
        ),
    ],
)
def test_a_comma_where_none_belongs(text: str, col: int, message: str, hint: str) -> None:
    (d,) = crmdsl.analyze(text, "m.crm").diagnostics
    assert (d.kind, d.span.col, d.message, d.hint) == ("syntax", col, message, hint)


def test_a_label_without_an_id() -> None:
    (d,) = crmdsl.analyze('team "Customer Service"\n', "m.crm").diagnostics
    assert (d.kind, d.span.col, d.message, d.hint) == (
        "syntax",
        6,
        "a team needs an id before its label",
        'as in team customer_service "Customer Service"',
    )


def test_an_arrow_takes_one_step() -> None:
    (d,) = crmdsl.analyze("process p\n  step a\n  step b -> a, b\n", "m.crm").diagnostics
    assert (d.span.col, d.message) == (14, "`->` takes one value, not a list")
