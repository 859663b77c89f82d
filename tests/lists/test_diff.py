"""`duty lists diff`: what-if from proposals and revisions between two county directories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from engine.paths import sample_proposals
from tests.conftest import MINI, proposal, run_cli, write_yaml


def _json(*args: Any) -> dict[str, Any]:
    run = run_cli("lists", "diff", *args, "--format", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def test_a_proposal_adds_exactly_its_rows(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(streets=["S01", "S02"],
                                                     hearing={"S01": "agree", "S02": "agree"}))
    doc = _json("--county", MINI, path)
    diff = doc["diff"]
    assert [(c["street"], c["item"], c["change"]) for c in diff["changes"]] == [
        ("S01", "P-T-100", "added"), ("S02", "P-T-100", "added")]
    assert diff["workload_days_after"] - diff["workload_days_before"] == 60
    assert diff["funding_after"] - diff["funding_before"] == 40000
    assert diff["changes"][0]["after"]["proposal"] == "P-T-100"
    assert diff["changes"][0]["after"]["list"] == "cooperative"


def test_a_rejected_proposal_changes_nothing(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(instruments=["task_force"]))
    doc = _json("--county", MINI, path)
    assert doc["decisions"] == [{"proposal": "P-T-100", "verdict": "rejected"}]
    assert doc["diff"]["changes"] == []


def test_extending_a_catalogue_item_adds_only_the_new_streets(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(
        department="market_regulation", item={"ref": "SJ-001"}, streets=["S02", "S03"],
        hearing={"S02": "agree", "S03": "agree"}))
    changes = _json("--county", MINI, path)["diff"]["changes"]
    assert [(c["street"], c["change"]) for c in changes] == [("S03", "added")]


def test_second_step_sees_the_first(tmp_path: Path, golden: Any) -> None:
    first = write_yaml(tmp_path / "a.yaml", proposal(streets=["S01"], hearing={"S01": "agree"}))
    second = write_yaml(tmp_path / "b.yaml", proposal(id="P-T-101", item__id="P-T-100",
                                                       streets=["S01"], hearing={"S01": "agree"}))
    run = run_cli("lists", "diff", "--county", MINI, first, second)
    # P-T-100 is listed after step 1
    assert run.code == 1 and "[E-DUP]" in run.stderr and "P-T-100" in run.stderr
    golden("errors/lists_diff/second-step-repeats-an-item-of-the-first.txt", run.stderr)


def test_revision_between_two_directories(tmp_path: Path, golden: Any) -> None:
    after = tmp_path / "after"
    shutil.copytree(MINI, after)
    data = yaml.safe_load((after / "county.yaml").read_text(encoding="utf-8"))
    data["items"][0]["category"] = "specialist"  # CG-001 moves to the cooperating list
    del data["items"][1]  # SJ-001 leaves the lists
    write_yaml(after / "county.yaml", data)
    doc = _json("--county", MINI, "--to", after)
    kinds = {(c["street"], c["item"], c["change"]) for c in doc["diff"]["changes"]}
    assert ("S01", "SJ-001", "removed") in kinds and ("S04", "CG-001", "changed") in kinds
    changed = next(c for c in doc["diff"]["changes"] if c["change"] == "changed")
    assert "list" in changed["fields"] and "primary" in changed["fields"]
    for fmt in ("text", "md"):
        run = run_cli("lists", "diff", "--county", MINI, "--to", after, "--format", fmt)
        assert run.code == 0
        golden(f"diff/mini-revision.{fmt}", run.stdout.replace(str(tmp_path), "<tmp>"))


def test_sample_proposal_diff_golden(golden: Any) -> None:
    path = sample_proposals() / "12-social-security-card-service.yaml"
    run = run_cli("lists", "diff", path)
    assert run.code == 0
    golden("diff/sample-12.txt", run.stdout)


def test_usage() -> None:
    assert run_cli("lists", "diff").code == 2
    assert run_cli("lists", "diff", "--to", MINI, "x.yaml").code == 2


def test_admitted_directory_puts_items_on_the_lists(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    write_yaml(county / "admitted" / "p1.yaml", proposal(
        streets=["S01", "S02"], hearing={"S01": "agree", "S02": "agree"}))
    doc = json.loads(run_cli("lists", "build", "--county", county, "--format", "json",
                             "--street", "S01").stdout)
    (row,) = [r for r in doc["streets"][0]["cooperative"] if r["item"] == "P-T-100"]
    assert row["proposal"] == "P-T-100" and row["funding"]["amount"] == 20000
    assert run_cli("check", "--county", county).code == 0
    again = write_yaml(tmp_path / "again.yaml", proposal(id="P-T-200", item={"ref": "P-T-100"},
                                                          streets=["S01", "S03"],
                                                          hearing={"S01": "agree",
                                                                   "S03": "agree"}))
    run = run_cli("evaluate", "--county", county, "--format", "json", again)
    verdicts = {s["street"]: s["verdict"] for s in json.loads(run.stdout)["streets"]}
    assert verdicts == {"S01": "not_applicable", "S03": "admitted"}


def _revised(tmp_path: Path) -> Path:
    """MINI revised: CG-001 moves to the cooperating list (its lead changes), SJ-001 gains a
    phase and leaves S02, MZ-001 pays more and reaches S04 too."""
    after = tmp_path / "after"
    shutil.copytree(MINI, after)
    data = yaml.safe_load((after / "county.yaml").read_text(encoding="utf-8"))
    items = {i["id"]: i for i in data["items"]}
    items["CG-001"]["category"] = "specialist"
    items["SJ-001"]["phases"] = ["patrol", "discovery", "report", "licensing"]
    items["SJ-001"]["streets"] = ["S01"]
    items["MZ-001"]["funding"] = 30000
    items["MZ-001"]["streets"] = ["S01", "S02", "S03", "S04"]
    write_yaml(after / "county.yaml", data)
    return after


def test_changed_fields_show_old_and_new_values(tmp_path: Path, golden: Any) -> None:
    after = _revised(tmp_path)
    doc = _json("--county", MINI, "--to", after)
    changes = {(c["street"], c["item"]): c for c in doc["diff"]["changes"]}
    assert changes[("S02", "SJ-001")]["change"] == "removed"
    assert changes[("S04", "MZ-001")]["change"] == "added"
    funds = {v["field"]: v for v in changes[("S01", "MZ-001")]["values"]}["funding"]
    assert funds == {"field": "funding", "label": "经费",
                     "before": "区民政局每年拨付20,000元", "after": "区民政局每年拨付30,000元"}
    moved = {v["field"]: v for v in changes[("S03", "CG-001")]["values"]}
    assert (moved["list"]["before"], moved["list"]["after"]) == ("基本履职事项清单",
                                                                 "配合履职事项清单")
    assert (moved["primary"]["before"], moved["primary"]["after"]) == ("南湖镇", "区城市管理局")
    phases = {v["field"]: v for v in changes[("S01", "SJ-001")]["values"]}
    assert set(phases) & {"street_phases", "department_phases"}
    for c in doc["diff"]["changes"]:
        assert c["fields"] == [v["field"] for v in c["values"]]
    golden("diff/mini-values.json", run_cli("lists", "diff", "--county", MINI, "--to", after,
                                            "--format", "json").stdout)
    for fmt in ("text", "md"):
        run = run_cli("lists", "diff", "--county", MINI, "--to", after, "--format", fmt)
        assert run.code == 0
        golden(f"diff/mini-values.{fmt}", run.stdout)


def test_lists_and_plans_give_the_same_values(tmp_path: Path) -> None:
    """Published lists compared row by row and counties compared as plans (groups before
    rows) report the same changes with the same values."""
    from engine.api import county_workspace
    from engine.lists.build import build_lists
    from engine.lists.diff import diff_lists, diff_plans
    from engine.lists.plan import ListPlan

    old, new = county_workspace(MINI), county_workspace(_revised(tmp_path))
    by_plan = diff_plans(ListPlan(old), ListPlan(new))
    by_rows = diff_lists(build_lists(old), build_lists(new))
    assert by_plan == by_rows
    assert by_plan.changes and all(c.fields or c.change != "changed" for c in by_plan.changes)


def test_values_of_every_row_field_are_readable() -> None:
    """Every field of a row has a Chinese label or falls back to its name, and the fields of
    the national layout are labelled whether or not the row has them yet."""
    from engine.lists.row_values import compared_fields, field_label, value_text
    from engine.models.decision import Funding, Party

    assert field_label("domain") == "履职领域"
    assert field_label("department_duty") == "上级部门职责"
    assert field_label("street_duty") == "乡镇（街道）配合职责"
    assert field_label("takeover") == "承接部门"
    assert field_label("method") == "工作方式"
    assert field_label("some_new_field") == "some_new_field"
    assert "item" not in compared_fields() and "rules" not in compared_fields()
    names = {"civil_affairs": "区民政局"}
    assert value_text("takeover", "civil_affairs", names) == "区民政局"
    assert value_text("takeover", None, names) == "—"
    assert value_text("street_phases", ["patrol", "report"], names) == "巡查、报告"
    assert value_text("category", "assisting", names) == "协助管理"
    assert value_text("cooperating", [], names) == "—"
    assert value_text("primary", Party(kind="street", id="S01", name="东门街道"),
                      names) == "东门街道"
    assert value_text("funding", Funding(follows=True, payer="civil_affairs", amount=1500,
                                         per="task"), names) == "区民政局每次拨付1,500元"
    assert value_text("funding", Funding(follows=False, payer=None, amount=0),
                      names) == "无经费转移"
    assert value_text("workload_days", 1200, names) == "1,200 人日/年"


def test_values_that_read_the_same_are_shown_as_data() -> None:
    from engine.lists.row_values import change_texts
    from engine.models.decision import Funding

    none, other = Funding(follows=False, payer=None, amount=0), Funding(
        follows=False, payer=None, amount=500)
    assert change_texts("funding", none, other, ({}, {})) == (
        '{"follows":false,"payer":null,"amount":0,"per":"year"}',
        '{"follows":false,"payer":null,"amount":500,"per":"year"}')
    assert change_texts("workload_days", 10, 20, ({}, {})) == ("10 人日/年", "20 人日/年")
