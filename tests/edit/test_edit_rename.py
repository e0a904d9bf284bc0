"""Rename and delete: every reference, across included files; refusals list the references."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mapgen import generate

import crmdsl
from crmdsl import edit
from crmdsl.edit import EditError, write_patch
from crmdsl.edit.rename import all_references

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target / "shop.crm"


def _renamed_everywhere(root: Path, key: str, new_id: str) -> crmdsl.Analysis:
    analysis = crmdsl.analyze_path(root)
    assert analysis.ok
    old_id = key.removeprefix("channel:").split(".")[-1]
    patch = edit.rename(analysis, key, new_id)
    for r in patch.replacements:  # nothing but the id itself changes
        assert (r.old, r.new) == (old_id, new_id)
    write_patch(patch)
    after = crmdsl.analyze_path(root)
    assert after.diagnostics == []
    assert all(r.ref.target is not None for r in all_references(after.map))
    return after


def test_renaming_a_system_reaches_every_file(shop: Path) -> None:
    before = crmdsl.analyze_path(shop)
    patch = edit.rename(before, "shopify", "shop")
    assert len(patch.files) == 5
    after = _renamed_everywhere(shop, "shopify", "shop")
    assert after.map.lookup("shop.Customer.email") is not None
    text = (shop.parent / "data.crm").read_text()
    assert "entity shop.Customer" in text and "shopify." not in text
    assert (
        "captures shop.Customer.email, shop.Customer.phone"
        in (shop.parent / "journeys.crm").read_text()
    )


def test_renaming_a_step_renames_arrows_outcomes_flows_and_backstage(shop: Path) -> None:
    _renamed_everywhere(shop, "support.agent_reply", "reply")
    processes = (shop.parent / "processes.crm").read_text()
    assert '"anything else" -> reply' in processes
    assert "flow damage_claim -> reply" in processes
    _renamed_everywhere(shop, "fulfilment.pick_pack", "pack")
    journeys = (shop.parent / "journeys.crm").read_text()
    assert "backstage fulfilment.pack, fulfilment.ship" in journeys


def test_renaming_entities_fields_teams_channels(shop: Path) -> None:
    _renamed_everywhere(shop, "shopify.Customer", "Buyer")
    data = (shop.parent / "data.crm").read_text()
    assert "customer: ref(Buyer) required" in data
    assert "map Buyer.email -> Profile.email key" in (shop.parent / "integrations.crm").read_text()
    _renamed_everywhere(shop, "klaviyo.Profile.email", "mail")
    _renamed_everywhere(shop, "ops", "operations")
    _renamed_everywhere(shop, "channel:parcel", "box")
    assert "channel box score 5" in (shop.parent / "journeys.crm").read_text()


def test_rename_refusals(shop: Path) -> None:
    analysis = crmdsl.analyze_path(shop)
    with pytest.raises(EditError, match="`ecom` is taken"):
        edit.rename(analysis, "ops", "ecom")
    with pytest.raises(EditError, match="`Ops` is taken"):
        edit.rename(analysis, "cx", "OPS".title())
    with pytest.raises(EditError, match="not an id"):
        edit.rename(analysis, "ops", "two words")
    with pytest.raises(EditError, match="built-in channel"):
        edit.rename(analysis, "channel:web", "www")


def test_delete_refuses_while_referenced_and_lists_where(shop: Path) -> None:
    analysis = crmdsl.analyze_path(shop)
    with pytest.raises(EditError) as info:
        edit.delete(analysis, "yotpo")
    message = str(info.value)
    assert message.startswith("`yotpo` is still referenced 5 times:\n")
    assert f"{shop.parent / 'data.crm'}:" in message and "in entity `yotpo.Review`" in message
    assert "in touchpoint `review_request`" in message
    assert message.endswith("remove those references first, or delete with cascade")


def test_delete_with_cascade_leaves_a_map_that_loads(shop: Path) -> None:
    analysis = crmdsl.analyze_path(shop)
    write_patch(edit.delete(analysis, "shopify", cascade=True))
    after = crmdsl.analyze_path(shop)
    assert after.diagnostics == []
    assert after.map.lookup("shopify") is None
    assert [i.id for i in after.map.integrations] == ["returns_export", "ticket_export"]


def test_delete_an_unreferenced_declaration() -> None:
    text = 'team a "A"\n\nteam b "B"\n  description "x"\n\nteam c "C"\n'
    analysis = crmdsl.analyze(text, "t.crm")
    assert (
        edit.delete(analysis, "b").apply({"t.crm": text})["t.crm"] == 'team a "A"\n\nteam c "C"\n'
    )


@settings(max_examples=40)
@given(st.integers(0, 2**32))
def test_rename_anything_in_a_generated_map(seed: int) -> None:
    rnd = random.Random(seed)
    text = generate(rnd)
    analysis = crmdsl.analyze(text, "g.crm")
    keys = sorted(k for k, v in analysis.map.symbols().items() if not getattr(v, "builtin", False))
    key = rnd.choice(keys)
    old_id = key.removeprefix("channel:").split(".")[-1]
    patch = edit.rename(analysis, key, "renamed_x")
    assert all((r.old, r.new) == (old_id, "renamed_x") for r in patch.replacements)
    after = patch.apply({"g.crm": analysis.sources["g.crm"].text})
    again = crmdsl.analyze(after["g.crm"], "g.crm")
    assert again.diagnostics == []
    assert all(r.ref.target is not None for r in all_references(again.map))
    assert len(all_references(again.map)) == len(all_references(analysis.map))
    assert patch.inverse().apply(after) == {"g.crm": analysis.sources["g.crm"].text}


def test_deleting_a_stage_counts_references_to_its_touchpoints() -> None:
    text = "journey j\n  stage a\n    touchpoint t\n  stage b\ngoal g\n  supported-by j.t, j.b\n"
    analysis = crmdsl.analyze(text, "j.crm")
    assert [str(r) for r in edit.references(analysis, "j.a")] == ["j.crm:6:16: `j.t` in goal `g`"]
    with pytest.raises(EditError, match="`j.a` is still referenced 1 time:"):
        edit.delete(analysis, "j.a")
    after = edit.delete(analysis, "j.a", cascade=True).apply({"j.crm": text})["j.crm"]
    assert after == "journey j\n  stage b\ngoal g\n  supported-by j.b\n"
