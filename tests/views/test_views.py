"""The nine views and `crmdsl render`, without a browser: goldens, choices, limits, CLI.

Golden files: `tests/views/golden/<map>/<view>[-<id>].mmd`; after changing a view on
purpose, run `python scripts/update_goldens.py` and read the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.views import VIEWS, ViewError, everything, render, subjects
from crmdsl.views.process import lanes
from tests.scripts import load_script

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "views" / "golden"
ACME = REPO / "examples" / "acme.crm"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


HEADER = """map "T"
team sales "Sales"
team it "IT"
system crm "CRM" kind crm owner sales record-of customer
"""


def load(text: str) -> crmdsl.CrmMap:
    return crmdsl.loads(HEADER + text, "t.crm")


# --- goldens -----------------------------------------------------------------------------


def test_goldens_are_current() -> None:
    wanted = load_script("update_goldens").goldens()
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.mmd")}
    assert present == set(wanted), "run `python scripts/update_goldens.py`"
    stale = [name for name, text in wanted.items() if (GOLDEN / name).read_text("utf-8") != text]
    assert not stale, f"stale goldens {stale}; run `python scripts/update_goldens.py`"


def test_every_example_view_is_drawn() -> None:
    diagrams, refused = everything(crmdsl.load(ACME))
    assert refused == []
    assert [d.name for d in diagrams] == [
        "journey-onboarding",
        "process-lead_to_cash",
        "integrations",
        "entities",
        "lineage-hubspot.Contact.email",
        "lineage-hubspot.Contact.phone",
        "lineage-salesforce.Lead.email",
        "lineage-salesforce.Lead.phone",
        "lineage-netsuite.SalesOrder.customer_email",
        "lineage-zendesk.Ticket.requester_email",
        "blueprint-onboarding",
        "overview",
        "goals-grow",
        "scores-onboarding",
    ]


# --- journey -----------------------------------------------------------------------------


def test_journey_unscored_touchpoint_is_neutral_and_says_so() -> None:
    m = load(
        """journey j "J"
  stage s "Stage one"
    touchpoint a "Form" channel web owner sales
    touchpoint b "Call" channel phone score 5 owner it moment-of-truth
  stage empty "Later"
"""
    )
    text = render(m, "journey", "j").text
    assert "\t\tForm #40;Web#41; #183; no score: 3 : Sales" in text
    assert "\t\t#9733; Call #40;Phone#41;: 5 : IT" in text
    assert "\tsection Later\n\t\tno touchpoints yet: 3 : no owner" in text


def test_journey_needs_an_id_when_there_are_several() -> None:
    m = load('journey a "A"\njourney b "B"\n')
    with pytest.raises(ViewError, match=r"needs --id JOURNEY \(a, b\)"):
        render(m, "journey")
    assert render(load('journey a "A"\n'), "journey").subject == "a"


# --- process -----------------------------------------------------------------------------


PROCESS = """process p "P" owner sales
  decision first "First?"
    yes -> a
    no -> b
  step a "A" owner it manual takes 2d sla 1d system crm
  decision d "Ok?"
    yes -> b
    no -> e
  step b "B"
  end e "Done"
"""


def test_process_lanes() -> None:
    m = load(PROCESS)
    assert lanes(m, m.processes[0]) == {
        "first": "Sales",  # a decision first in the block: the owner's lane
        "a": "IT",
        "d": "IT",  # the lane of the node before it
        "b": "Unassigned",  # no owner
        "e": "Sales",  # an end: the process owner's lane
    }


def test_process_text() -> None:
    diagram = render(load(PROCESS), "process", "p")
    text = diagram.text
    assert 'subgraph g_sales ["Sales"]' in text
    assert 'subgraph g__45_ ["Unassigned"]' in text
    assert 'p_a["A<br>CRM #183; manual #183; takes 2d #183; SLA 1d"]\n\t\tp_a:::manual' in text
    assert 'p_d{"Ok#63;"}' in text and 'p_e(["Done"])' in text
    # hand-offs between lanes are thick and say so; same-lane flows are plain
    assert 'p_first ==>|"yes #183; hand#45;off"| p_a' in text
    assert 'p_d -->|"no"| p_e' not in text and 'p_d ==>|"no #183; hand#45;off"| p_e' in text
    assert "s_start --> p_first" in text
    assert (diagram.nodes, diagram.edges) == (6, 7)


def test_example_process_counts() -> None:
    diagram = render(crmdsl.load(ACME), "process", "lead_to_cash")
    assert (diagram.nodes, diagram.edges) == (7, 8)


def test_keyword_ids_stay_safe() -> None:
    m = load(
        """process p "P"
  step end "end"
  step style "style" -> end
  step click "click"
  step subgraph "subgraph"
  step graph "graph"
  end class "class"
"""
    )
    text = render(m, "process", "p").text
    for safe in (
        "p_end[",
        "p_style[",
        "p_click[",
        "p_subgraph[",
        "p_graph[",
        "p_class(",
    ):
        assert safe in text
    assert "p_style --> p_end" in text
    body = [line.strip() for line in text.splitlines()]
    assert not any(line.startswith(("end ", "style ", "class ", "click ")) for line in body)


# --- integrations and entities ------------------------------------------------------------

DATA = """system mk "Marketing tool" kind marketing
system wh "Warehouse" kind data_warehouse
system sheet "Sheet" kind spreadsheet
entity crm.Lead "Lead"
  email: email pii unique
  status: enum(new, "on hold")
  account: ref(Account) required
entity crm.Account
  id: id key
entity mk.Contact "Lead"
  email: email pii
entity wh.Row
  email: email
integration a "Sync" mk <-> crm realtime via api master crm
  map Contact.email -> Lead.email
integration b "Load" crm -> wh daily via etl
  map Lead.email -> Row.email
integration c "Upload" sheet -> mk manual via file
"""


def test_integrations_view() -> None:
    text = render(load(DATA), "integrations").text
    assert 'n_crm["CRM<br>crm<br>#9733; record of customer"]\n\tn_crm:::record' in text
    assert 'n_mk{{"Marketing tool<br>marketing"}}' in text
    assert 'n_wh[("Warehouse<br>data warehouse")]' in text
    assert 'n_mk <-->|"Sync #183; realtime #183; api #183; master#58; CRM"| n_crm' in text
    assert 'n_crm -->|"Load #183; daily #183; etl"| n_wh' in text


def test_integrations_narrowed_to_one_system() -> None:
    diagram = render(load(DATA), "integrations", "wh")
    assert (diagram.nodes, diagram.edges) == (2, 1)
    assert "n_mk" not in diagram.text
    with pytest.raises(ViewError, match="no system `whh` in this map; did you mean `wh`"):
        render(load(DATA), "integrations", "whh")


def test_entities_view() -> None:
    text = render(load(DATA), "entities").text
    # named with their system, labelled with their title; a shared title gets the system
    assert 'e_crm_46__lead["Lead #40;CRM#41;"] {' in text
    assert 'e_mk_46__contact["Lead #40;Marketing tool#41;"] {' in text
    assert 'e_crm_46__account["Account"] {' in text
    assert '\t\temail email UK "PII"' in text
    assert '\t\tenum status "one of new#44; on hold"' in text
    assert "\t\tid id PK" in text
    assert 'e_crm_46__lead}o--||e_crm_46__account : "account"' in text
    assert (
        'e_mk_46__contact|o..o|e_crm_46__lead : "Sync#58; both ways#58; email #8594; email"' in text
    )


def test_entities_narrowed_and_for_old_mermaid() -> None:
    diagram = render(load(DATA), "entities", "wh")
    assert [line.split("[")[0].strip() for line in diagram.text.splitlines() if "[" in line] == [
        "e_crm_46__lead",
        "e_wh_46__row",
    ]
    around_mk = render(load(DATA), "entities", "mk").text  # one step away, not two
    assert "e_mk_46__contact[" in around_mk and "e_crm_46__lead[" in around_mk
    assert "e_wh_46__row" not in around_mk
    old = render(load(DATA), "entities", "wh", mermaid_version="10.4").text
    assert '\t"Lead" {' in old and "[" not in old


# --- lineage, blueprint, overview ---------------------------------------------------------


def test_lineage_follows_integrations_both_ways_and_transitively() -> None:
    m = load(
        DATA
        + """journey j "J"
  stage s "S"
    touchpoint form "Sign-up form" channel web captures mk.Contact.email
"""
    )
    diagram = render(m, "lineage", "wh.Row.email")
    text = diagram.text
    assert 'tp_j_46_form(["Sign#45;up form<br>J #183; Web"])' in text
    assert 'tp_j_46_form -.->|"captures"| n_mk_46__contact_46_email' in text
    assert 'n_mk_46__contact_46_email -->|"Sync #183; realtime"| n_crm_46__lead_46_email' in text
    assert 'n_crm_46__lead_46_email -->|"Sync #183; realtime"| n_mk_46__contact_46_email' in text
    assert 'n_crm_46__lead_46_email -->|"Load #183; daily"| n_wh_46__row_46_email' in text
    assert 'subgraph g_crm ["CRM #183; #9733; system of record for customer"]' in text
    assert "n_wh_46__row_46_email:::chosen" in text
    assert subjects(m, "lineage") == ["crm.Lead.email", "mk.Contact.email"]
    with pytest.raises(ViewError, match="no field `crm.Lead.mail`"):
        render(m, "lineage", "crm.Lead.mail")


def test_blueprint_rows() -> None:
    m = load(
        PROCESS
        + """journey j "J"
  stage s "S"
    touchpoint t "Call" channel phone score 2 system crm
      pain "Slow"
      idea "Faster"
      kpi "Calls" target 20%
      backstage p.a
"""
    )
    text = render(m, "blueprint", "j").text
    assert text.index("g_frontstage") < text.index("g_backstage") < text.index("g_systems")
    assert "pain#58; Slow<br>idea#58; Faster" in text and "KPI#58; Calls #8594; 20#37;" in text
    assert "tp_t -.-> step_p_46_a" in text and "step_p_46_a --> sys_crm" in text


def test_blueprint_draws_a_backstage_decision_by_its_title() -> None:
    # `backstage` may name a decision as well as a step: drawn as a box with its title,
    # and without a system (a decision has none).
    m = load(
        PROCESS
        + """journey j "J"
  stage s "S"
    touchpoint t "Call" channel phone
      backstage p.d, p.a
"""
    )
    text = render(m, "blueprint", "j").text
    assert 'step_p_46_d["Ok#63;"]' in text
    assert "tp_t -.-> step_p_46_d\n\ttp_t -.-> step_p_46_a\n\tstep_p_46_a --> sys_crm\n" in text
    assert "step_p_46_d -->" not in text


def test_overview_connects_goals_journeys_processes_systems() -> None:
    text = render(crmdsl.load(ACME), "overview").text
    for edge in (
        "n_goal_58_grow -.-> n_journey_58_onboarding",
        'journey_onboarding -->|"backstage"| proc_lead__to__cash',
        'proc_lead__to__cash -->|"uses"| sys_netsuite',
        'sys_salesforce <-->|"Order sync"| sys_netsuite',
    ):
        assert (
            edge.replace("n_goal_58_grow", "goal_grow").replace(
                "n_journey_58_onboarding", "journey_onboarding"
            )
            in text
        )
    with pytest.raises(ViewError, match="takes no --id"):
        render(crmdsl.load(ACME), "overview", "x")


# --- limits ------------------------------------------------------------------------------


def _big_map() -> str:
    systems = "".join(f'system s{i} "S{i}"\n' for i in range(40))
    links = "".join(
        f"integration i{i} s{i % 40} -> s{(i * 7 + 1) % 40} daily\n" for i in range(520)
    )
    return HEADER + systems + links


def test_too_many_edges_is_refused_with_a_narrower_choice() -> None:
    m = crmdsl.loads(_big_map(), "big.crm")
    with pytest.raises(ViewError) as caught:
        render(m, "integrations")
    message = str(caught.value)
    assert "521 edges" not in message  # integrations: 520
    assert "520 edges; Mermaid draws at most 500" in message
    assert "Narrow it to one system with --id SYSTEM (crm, s0, s1," in message
    assert render(m, "integrations", "s3").edges == 26


def test_too_many_characters_is_refused(tmp_path: Path) -> None:
    long = "x" * 400
    text = HEADER + "".join(f'system s{i} "{long} {i}"\n' for i in range(130))
    path = tmp_path / "long.crm"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli("render", str(path), "--view", "integrations")
    assert code == 2 and out == ""
    assert "characters long; Mermaid reads at most 50000 by default (its maxTextSize" in err
    assert "--id SYSTEM" in err


# --- the command line --------------------------------------------------------------------


def test_render_to_stdout_and_files(tmp_path: Path) -> None:
    code, out, err = cli("render", str(ACME), "--view", "process", "--id", "lead_to_cash")
    assert code == 0 and err == ""
    assert out == (GOLDEN / "acme" / "process-lead_to_cash.mmd").read_text("utf-8")
    target = tmp_path / "lead_to_cash.md"
    code, out, _ = cli("render", str(ACME), "--view", "process", "-o", str(target))
    assert code == 0 and out == f"wrote {target} (process view, 7 nodes, 8 edges)\n"
    assert target.read_text("utf-8").startswith("# Lead to cash\n\n```mermaid\n---\ntitle:")
    code, out, _ = cli("render", str(ACME), "--view", "journey", "-o", str(tmp_path / "j.mmd"))
    assert out.endswith("(journey view, 4 nodes, 0 edges)\n")


def test_render_all_to_folder_and_page(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    code, out, _ = cli("render", str(ACME), "--all", "-o", str(folder), "--format", "mmd")
    assert code == 0 and out == f"wrote 14 files to {folder}/\n"
    assert sorted(p.name for p in folder.iterdir())[:3] == [
        "blueprint-onboarding.mmd",
        "entities.mmd",
        "goals-grow.mmd",
    ]
    page = tmp_path / "pii.md"
    code, out, _ = cli("render", str(ACME), "--view", "lineage", "--all", "-o", str(page))
    assert code == 0 and out == f"wrote {page} (6 diagrams)\n"
    assert page.read_text("utf-8").count("```mermaid") == 6
    code, _, err = cli("render", str(ACME), "--all")
    assert code == 2 and "give -o DIR" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "pie"], "no view `pie`; the views are journey, process,"),
        (["--view", "process", "--id", "lead"], "no process `lead` in this map"),
        (
            ["--view", "lineage"],
            "needs --id SYSTEM.Entity.field (pii fields: hubspot.Contact.email",
        ),
        (["--view", "process", "-o", "x.gif"], "cannot tell the format of x.gif"),
        (["--view", "process", "--mermaid-version", "9.0"], "Mermaid 10.0 or later, not 9.0"),
        ([], "give --view VIEW"),
    ],
)
def test_render_usage_errors(args: list[str], message: str) -> None:
    code, out, err = cli("render", str(ACME), *args)
    assert code == 2 and out == ""
    assert message in err


def test_missing_renderer_says_how_to_install(tmp_path: Path) -> None:
    code, out, err = cli(
        "render",
        str(ACME),
        "--view",
        "process",
        "-o",
        str(tmp_path / "p.svg"),
        "--chromium",
        str(tmp_path / "no-chromium"),
    )
    assert code == 2 and out == ""
    assert "Mermaid renderer not found" in err and "npm" in err
    assert not (tmp_path / "p.svg").exists()


def test_load_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.crm"
    bad.write_text('map "M"\nsystem a "A" kind nonsense\n', encoding="utf-8")
    code, out, err = cli("render", str(bad), "--view", "overview")
    assert code == 2 and "bad.crm:2" in out + err


def test_output_is_the_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    """The CLI, in fresh processes with different PYTHONHASHSEEDs, writes the same bytes;
    mermaid-py's import-time warning never reaches stdout."""
    shop = REPO / "examples" / "shop" / "shop.crm"
    outputs = []
    for seed in ("1", "2", "random"):
        folder = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "crmdsl", "render", str(shop), "--all", "--format", "mmd"]
        subprocess.run([*command, "-o", str(folder), "-q"], env=env, check=True)
        stdout = subprocess.run(
            [sys.executable, "-m", "crmdsl", "render", str(shop), "--view", "entities"],
            env=env,
            check=True,
            capture_output=True,
        ).stdout
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        outputs.append((files, stdout))
    assert len(outputs[0][0]) == 38  # with the chart of cut_service_cost, the okendo lineage
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][1].startswith(b'---\ntitle: "Data model"\n---\nerDiagram\n')


def test_every_view_is_registered() -> None:
    assert list(VIEWS) == [
        "journey",
        "process",
        "integrations",
        "entities",
        "lineage",
        "blueprint",
        "overview",
        "goals",
        "scores",
    ]
