"""Recall (收回) and revision (动态调整) through the admission process: who may apply, the
same steps as an admission, and publication moving the item between lists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, run_cli, write_yaml
from tests.workflow.conftest import WORDING, Flow

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy" / "schema2.db"

MEETING = "区政府常务会议2026年第9次"


def recall(flow: Flow, **changes: Any) -> Path:
    """A recall of MZ-001 (assisting, on S01–S03) by its department, as a file."""
    data: dict[str, Any] = {"id": "P-R-1", "title": "困难群众救助申请受理收回",
                            "department": "civil_affairs", "change": "recall", "mode": None,
                            "item": {"ref": "MZ-001"}, "resources": {"funding": 0}}
    return flow.file(**{**data, **changes})


def revise(flow: Flow, **changes: Any) -> Path:
    """A revision of CG-001 (comprehensive, all streets) into an assisting item with funds."""
    data: dict[str, Any] = {"id": "P-V-1", "title": "门前三包巡查调整为协助管理",
                            "department": "urban_management", "change": "revise",
                            "mode": "assist", "item": {"ref": "CG-001"},
                            "revision": {"category": "assisting", "workload_days": 40},
                            "resources": {"funding": 8000, "staff": 0,
                                          "powers_delegated": []}}
    return flow.file(**{**data, **changes})


def admitted(flow: Flow, path: Path, actor: str) -> str:
    """Submit ``path`` as ``actor`` and take it to ``admitted`` with every street agreeing."""
    pid = Path(path).stem
    flow.ok("submit", path, actor=actor)
    if actor.startswith("street:"):  # a street's request: its department is heard first
        flow.ok("department-opinion", pid, "--opinion", "agree",
                actor=f"department:{flow.show(pid)['department']}")
    flow.review(pid)
    flow.legal(pid)
    for street in flow.show(pid)["streets"]:
        flow.hear(pid, street)
    flow.decide(pid, "--meeting", MEETING, "--admit")
    return pid


def through(flow: Flow, path: Path, actor: str) -> str:
    """The same, and published."""
    pid = admitted(flow, path, actor)
    flow.publish(pid)
    return pid


def rows(flow: Flow, version: int, item: str) -> dict[str, tuple[str, Any, int]]:
    """Per street: the list holding ``item`` in a published version, its proposal, funds."""
    run = run_cli("lists", "build", "--version", str(version), "--db", flow.db,
                  "--format", "json")
    assert run.code == 0, run.stderr
    out = {}
    for st in json.loads(run.stdout)["streets"]:
        for part in ("basic", "cooperative", "recalled"):
            for r in st[part]:
                if r["item"] == item:
                    out[st["street"]] = (part, r["proposal"], r["funding"]["amount"])
    return out


def diff(flow: Flow, old: int, new: int) -> list[tuple[str, str, str, list[str]]]:
    run = run_cli("lists", "diff", "--from", str(old), "--to", str(new), "--db", flow.db,
                  "--format", "json")
    assert run.code == 0, run.stderr
    return [(c["street"], c["item"], c["change"], c["fields"])
            for c in json.loads(run.stdout)["diff"]["changes"]]


def refused(flow: Flow, *args: str | Path, actor: str, parts: tuple[str, ...]) -> None:
    flow.env(actor)  # the account exists before the snapshot
    before = flow.snapshot()
    run = flow.run(*args, actor=actor)
    assert run.code == 1, (run.stdout, run.stderr)
    for part in parts:
        assert part in run.stderr, (part, run.stderr)
    WORDING(flow, run.stderr)
    assert "Traceback" not in run.stderr
    assert flow.snapshot() == before


# --- a street asks for an item to be taken back from it ---------------------------------------


def test_a_street_recalls_an_item_from_itself_through_the_whole_process(flow: Flow) -> None:
    pid = through(flow, recall(flow, streets=["S03"], reasons=["department_item"]),
                  "street:S03")
    data = flow.show(pid)
    assert (data["state"], data["change"], data["applicant"], data["streets"]) == (
        "published", "recall", "street:S03", ["S03"])
    decision = data["decisions"][-1]["decision"]
    assert (decision["change"], decision["verdict"]) == ("recall", "admitted")
    (s03,) = decision["streets"]
    assert (s03["list"], s03["primary"]["id"], s03["funding"]["follows"]) == (
        "recalled", "civil_affairs", False)
    assert [e["actor"] for e in flow.history(pid)[:2]] == ["street:S03", "street:S03"]

    # the lists change by exactly that item on exactly that street
    assert diff(flow, 0, 1) == [("S03", "MZ-001", "changed",
                                 ["list", "cooperating", "street_phases", "department_phases",
                                  "task", "funding", "workload_days", "proposal", "takeover"])]
    run = run_cli("lists", "diff", "--from", "0", "--to", "1", "--db", flow.db,
                  "--format", "json")
    (change,) = json.loads(run.stdout)["diff"]["changes"]
    values = {v["field"]: (v["before"], v["after"]) for v in change["values"]}
    assert values["list"] == ("配合履职事项清单", "上级部门收回事项清单")
    assert values["funding"] == ("区民政局每年拨付20,000元", "无经费转移")
    assert values["proposal"] == ("—", pid)
    assert values["takeover"] == ("—", "区民政局")  # who carries the recalled item
    assert rows(flow, 0, "MZ-001") == {"S01": ("cooperative", None, 20000),
                                       "S02": ("cooperative", None, 20000),
                                       "S03": ("cooperative", None, 20000)}
    assert rows(flow, 1, "MZ-001") == {"S01": ("cooperative", None, 20000),
                                       "S02": ("cooperative", None, 20000),
                                       "S03": ("recalled", pid, 0)}
    text = run_cli("lists", "build", "--version", "1", "--street", "S03", "--db", flow.db)
    recalled = text.stdout[text.stdout.index("## 上级部门收回事项清单（1 项）"):]
    assert ("| 1 | 困难群众救助申请受理 | 协助管理 | 区民政局 | 区民政局 | "
            "由承接部门直接履行；乡镇（街道）发现相关问题及时报告 |") in recalled


def test_a_street_may_only_recall_or_revise_for_itself(flow: Flow) -> None:
    flow.submit()  # the store exists: every refusal below must leave it byte for byte
    refused(flow, "submit", recall(flow, streets=["S02"]), actor="street:S03",
            parts=("[E-REFUSED]", "draft", "[S03]"))
    refused(flow, "submit", recall(flow, streets="all"), actor="street:S03",
            parts=())
    refused(flow, "submit", flow.file(id="P-A-1"), actor="street:S03",
            parts=())
    refused(flow, "submit", revise(flow, item={"ref": "SJ-001"},
                                   department="market_regulation",
                                   revision={"workload_days": 10}), actor="street:S04",
            parts=("S04",))
    refused(flow, "submit", recall(flow), actor="department:fire_rescue",
            parts=("civil_affairs", "department:fire_rescue"))
    refused(flow, "submit", recall(flow, streets=["S03"]), actor="office",
            parts=("department", "street"))


def test_only_the_applicant_street_withdraws_or_resubmits(flow: Flow) -> None:
    path = recall(flow, streets=["S03"], work_plan=False)
    flow.ok("submit", path, actor="street:S03")
    flow.ok("department-opinion", "P-R-1", "--opinion", "agree",
            actor="department:civil_affairs")
    run = flow.review("P-R-1")
    assert "ADM-PLAN" in run.stdout and flow.state("P-R-1") == "returned"
    refused(flow, "submit", path, actor="street:S02",
            parts=("S03", "street:S02", "submit"))
    refused(flow, "withdraw", "P-R-1", actor="department:civil_affairs",
            parts=("S03", "department:civil_affairs", "withdraw"))
    flow.ok("withdraw", "P-R-1", actor="street:S03")
    assert flow.state("P-R-1") == "withdrawn"


# --- a department takes an item back from several streets -------------------------------------


def test_a_department_recalls_from_some_streets_and_the_rest_keep_it(flow: Flow) -> None:
    pid = through(flow, recall(flow, streets=["S01", "S02", "S04"]), "department:civil_affairs")
    decision = flow.show(pid)["decisions"][-1]["decision"]
    verdicts = {s["street"]: s["verdict"] for s in decision["streets"]}
    # S04 never had the item (no service centre): nothing to take back there
    assert verdicts == {"S01": "admitted", "S02": "admitted", "S04": "not_applicable"}
    assert rows(flow, 1, "MZ-001") == {"S01": ("recalled", pid, 0),
                                       "S02": ("recalled", pid, 0),
                                       "S03": ("cooperative", None, 20000)}
    # the department no longer owes these streets the item's funds
    run = run_cli("lists", "diff", "--from", "0", "--to", "1", "--db", flow.db,
                  "--format", "json")
    d = json.loads(run.stdout)["diff"]
    assert d["funding_before"] - d["funding_after"] == 2 * 20000


def test_an_item_recalled_and_handed_back_is_listed_again(flow: Flow) -> None:
    through(flow, recall(flow, streets=["S02"]), "department:civil_affairs")
    back = flow.file(id="P-A-2", title="困难群众救助申请受理重新交由西关街道",
                     department="civil_affairs", streets=["S02"], mode="assist",
                     item={"ref": "MZ-001"}, resources={"funding": 25000})
    pid = through(flow, back, "department:civil_affairs")
    assert flow.show(pid)["decisions"][-1]["verdict"] == "admitted"
    assert rows(flow, 2, "MZ-001")["S02"] == ("cooperative", pid, 25000)
    assert diff(flow, 1, 2) == [("S02", "MZ-001", "changed",
                                 ["list", "cooperating", "street_phases", "department_phases",
                                  "task", "funding", "workload_days", "proposal", "mode",
                                  "takeover"])]
    run = run_cli("lists", "diff", "--from", "1", "--to", "2", "--db", flow.db,
                  "--format", "json")
    (change,) = json.loads(run.stdout)["diff"]["changes"]
    values = {v["field"]: (v["before"], v["after"]) for v in change["values"]}
    assert values["list"] == ("上级部门收回事项清单", "配合履职事项清单")
    assert values["funding"] == ("无经费转移", "区民政局每年拨付25,000元")
    assert values["mode"] == ("—", "请求协助") and values["proposal"][1] == pid
    assert values["takeover"] == ("区民政局", "—")


# --- a department revises a row -----------------------------------------------------------------


def test_a_revision_rewrites_the_row_on_every_street(flow: Flow) -> None:
    pid = through(flow, revise(flow), "department:urban_management")
    data = flow.show(pid)
    assert data["change"] == "revise" and data["streets"] == ["S01", "S02", "S03", "S04"]
    assert rows(flow, 0, "CG-001") == {s: ("basic", None, 0) for s in data["streets"]}
    assert rows(flow, 1, "CG-001") == {s: ("cooperative", pid, 8000) for s in data["streets"]}
    changes = diff(flow, 0, 1)
    assert [c[:3] for c in changes] == [(s, "CG-001", "changed") for s in data["streets"]]
    assert all({"list", "category", "funding", "workload_days"} <= set(c[3]) for c in changes)


def test_a_revision_a_street_cannot_carry_is_returned_at_review(flow: Flow) -> None:
    # adding a service phase to a public-facing item: the township S04 has no service centre
    # (成熟一批、下放一批), so the row cannot be rewritten for all its streets
    path = revise(flow, id="P-V-2", revision={"phases": ["patrol", "discovery", "service"]},
                  mode="hand_over", resources={"funding": 26400})  # 120 person-days
    flow.ok("submit", path, actor="department:urban_management")
    run = flow.review("P-V-2")
    assert flow.state("P-V-2") == "returned"
    assert "规则评估结论为 deferred（ADM-CAPACITY@S04" in run.stdout
    verdicts = {s["street"]: s["verdict"]
                for s in flow.show("P-V-2")["decisions"][-1]["decision"]["streets"]}
    assert verdicts == {"S01": "admitted", "S02": "admitted", "S03": "admitted",
                        "S04": "deferred"}


def test_a_recall_is_heard_like_an_admission(flow: Flow) -> None:
    path = recall(flow, streets=["S01", "S02"])
    flow.ok("submit", path, actor="department:civil_affairs")
    flow.review("P-R-1")
    flow.legal("P-R-1")
    flow.hear("P-R-1", "S01", "object")
    refused(flow, "decide", "P-R-1", "--meeting", MEETING, "--admit", actor="county",
            parts=("S02",))
    flow.hear("P-R-1", "S02")
    flow.decide("P-R-1", "--meeting", MEETING, "--admit")
    decision = flow.show("P-R-1")["decisions"][-1]["decision"]
    assert decision["verdict"] == "admitted_with_conditions"
    assert [f["rule"] for f in decision["findings"] if f["effect"] == "condition"] == [
        "ADM-OPINION"]


# --- stores written before recall and revision ---------------------------------------------------


def test_a_schema_2_store_is_upgraded_without_loss(flow: Flow, golden: Any) -> None:
    """A store written by duty 0.1 (tests/fixtures/legacy/schema2.db: one proposal published,
    one in hearing) is refused until upgraded, then kept whole and signed."""
    if flow.url:
        pytest.skip("stores of duty 0.1 were SQLite files")
    flow.env(None)  # the account the tests read with exists before the store is swapped
    for leftover in flow.tmp.glob("duty.db*"):
        leftover.unlink()
    shutil.copy(LEGACY, flow.db)
    run = flow.run("show", "P-L-1")
    assert run.code == 1 and "[E-STORE]" in run.stderr and "store upgrade" in run.stderr
    golden("errors/workflow_adjustment/schema-2-store-before-upgrade.txt", run.stderr)
    run = run_cli("store", "upgrade", "--db", flow.db)
    assert run.code == 0, run.stderr
    flow.local = True  # as the old store was: roles are declared
    assert (flow.tmp / "duty.db.v2.bak").read_bytes() == LEGACY.read_bytes()
    run = run_cli("audit", "verify", "--db", flow.db)
    assert run.code == 0, run.stdout + run.stderr
    published, hearing = flow.show("P-L-1"), flow.show("P-L-2")
    assert (published["state"], published["published_in"]) == ("published", 1)
    assert published["opinions"]["S03"]["note"] == "需增加人手"
    assert [d["stage"] for d in published["decisions"]] == ["review", "decision", "publication"]
    assert (hearing["state"], hearing["unheard"]) == ("hearing", ["S03"])
    history = flow.history("P-L-1")
    assert [e["actor"] for e in history][:2] == ["department:fire_rescue"] * 2
    assert {e["account"] for e in history} == {"legacy"}
    # the process goes on where it stood, and the published lists are the same
    flow.hear("P-L-2", "S03")
    flow.decide("P-L-2", "--meeting", "区委常委会2026年第12次", "--reject")
    assert flow.state("P-L-2") == "rejected"
    run = run_cli("lists", "build", "--version", "1", "--street", "S01", "--db", flow.db,
                  "--with-rules")
    assert run.code == 0 and "P-L-1" in run.stdout
    assert run_cli("audit", "verify", "--db", flow.db).code == 0
    # an edit of a migrated row is found
    flow.sql("UPDATE duty_opinion SET opinion = 'agree' WHERE note = '需增加人手'")
    assert run_cli("audit", "verify", "--db", flow.db).code == 1
    run = run_cli("store", "upgrade", "--db", flow.db)  # once is enough
    assert run.code == 1 and "[E-STORE]" in run.stderr
    golden("errors/workflow_adjustment/store-upgraded-twice.txt", run.stderr)


# --- changes decided side by side, published later ---------------------------------------------


def mz_revision(flow: Flow, pid: str, revision: dict[str, Any]) -> Path:
    return revise(flow, id=pid, department="civil_affairs", item={"ref": "MZ-001"},
                  revision=revision, resources={"funding": 20000})


def test_a_revision_published_after_a_recall_does_not_undo_it(flow: Flow) -> None:
    r = admitted(flow, recall(flow, streets=["S02"]), "department:civil_affairs")
    v = admitted(flow, mz_revision(flow, "P-V-3", {"workload_days": 50}),
                  "department:civil_affairs")
    flow.publish(r, v)  # one version, the recall first
    assert rows(flow, 1, "MZ-001") == {"S01": ("cooperative", v, 20000),
                                       "S02": ("recalled", r, 0),
                                       "S03": ("cooperative", v, 20000)}


def test_two_revisions_decided_side_by_side_both_hold(flow: Flow) -> None:
    a = admitted(flow, mz_revision(flow, "P-V-4", {"workload_days": 50}),
                  "department:civil_affairs")
    b = admitted(flow, mz_revision(flow, "P-V-5", {"legal_basis": "《社会救助暂行办法》"}),
                  "department:civil_affairs")
    flow.publish(a)
    flow.publish(b)
    run = run_cli("lists", "build", "--version", "2", "--street", "S01", "--db", flow.db,
                  "--format", "json")
    (row,) = [r for r in json.loads(run.stdout)["streets"][0]["cooperative"]
              if r["item"] == "MZ-001"]
    assert (row["workload_days"], row["legal_basis"], row["proposal"]) == (
        50, "《社会救助暂行办法》", b)


def test_a_revision_heard_before_a_recall_is_decided_for_the_streets_left(flow: Flow) -> None:
    v = mz_revision(flow, "P-V-6", {"workload_days": 50})
    flow.ok("submit", v, actor="department:civil_affairs")
    flow.review("P-V-6")
    flow.legal("P-V-6")
    for street in ("S01", "S02", "S03"):
        flow.hear("P-V-6", street)
    through(flow, recall(flow, streets=["S02"]), "department:civil_affairs")  # version 1
    flow.decide("P-V-6", "--meeting", MEETING, "--admit")
    decision = flow.show("P-V-6")["decisions"][-1]["decision"]
    assert [s["street"] for s in decision["streets"]] == ["S01", "S03"]
    assert decision["verdict"] == "admitted"
    flow.publish("P-V-6")
    assert rows(flow, 2, "MZ-001")["S02"] == ("recalled", "P-R-1", 0)


def test_a_recall_of_all_streets_is_heard_by_the_streets_listing_it_at_submission(
        flow: Flow) -> None:
    flow.ok("submit", recall(flow), actor="department:civil_affairs")
    data = flow.show("P-R-1")
    assert data["streets"] == ["S01", "S02", "S03"]
    stored = flow.sql("SELECT document FROM duty_proposal WHERE id = 'P-R-1'")[0][0]
    assert flow.json(stored)["streets"] == ["S01", "S02", "S03"]


# --- publication checks the decision against the lists as they stand -----------------------


def test_a_revision_is_not_published_onto_a_street_added_since_the_meeting(flow: Flow) -> None:
    r = admitted(flow, revise(flow, id="P-V-7", department="market_regulation",
                               item={"ref": "SJ-001"}, revision={"workload_days": 10},
                               resources={"funding": 3000}), "department:market_regulation")
    x = admitted(flow, flow.file(id="P-A-7", department="market_regulation", mode="assist",
                                  streets=["S03"], item={"ref": "SJ-001"}),
                  "department:market_regulation")
    flow.publish(x)
    refused(flow, "publish", r, actor="office",
            parts=("[E-REFUSED]", "publish", "ADM-HEARING"))
    flow.ok("withdraw", r, actor="department:market_regulation")  # the applicant starts again
    assert flow.state(r) == "withdrawn"


def test_one_duty_proposed_twice_side_by_side_is_published_as_one_row(flow: Flow) -> None:
    a = admitted(flow, flow.file(id="P-A-1", streets=["S01"]), "department:fire_rescue")
    b = admitted(flow, flow.file(id="P-A-2", streets=["S02"]), "department:fire_rescue")
    flow.publish(a, b)
    assert rows(flow, 1, "P-A-1") == {"S01": ("cooperative", a, 20000),
                                      "S02": ("cooperative", b, 20000)}
    assert rows(flow, 1, "P-A-2") == {}
    decisions = flow.show(b)["decisions"]
    assert decisions[-1]["stage"] == "publication"
    assert decisions[-1]["decision"]["item"] == {
        "id": "P-A-1", "name": "无物业小区消防通道巡查", "department": "fire_rescue",
        "category": "specialist", "from_catalogue": True}


def test_a_later_publication_leaves_a_published_revision_as_it_was(flow: Flow,
                                                                   tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)  # MZ-001 was taken back from S02 before the store existed
    data = {"schema_version": 1, "id": "P-R-0", "title": "收回", "department": "civil_affairs",
            "change": "recall", "streets": ["S02"], "item": {"ref": "MZ-001"},
            "work_plan": True, "legal_review": "passed", "hearing": {"S02": "agree"},
            "meeting": {"body": "区委常委会", "ref": "1", "decided": True}}
    write_yaml(county / "admitted" / "P-R-0.yaml", data)
    flow.run_county = county
    back = flow.file(id="P-A-3", department="civil_affairs", mode="assist", streets=["S02"],
                     item={"ref": "MZ-001"}, resources={"funding": 13200})  # 60 days
    through(flow, back, "department:civil_affairs")  # version 1
    v = through(flow, mz_revision(flow, "P-V-8", {"workload_days": 50}),
                "department:civil_affairs")  # version 2
    assert rows(flow, 2, "MZ-001")["S02"] == ("cooperative", v, 20000)
    through(flow, flow.file(id="P-A-4", streets=["S04"]), "department:fire_rescue")  # 3
    assert [c[:2] for c in diff(flow, 2, 3)] == [("S04", "P-A-4")]


def test_the_hearing_field_of_a_submitted_file_is_ignored_even_for_non_targets(
        flow: Flow) -> None:
    path = recall(flow, streets=["S03"], hearing={"S01": "object", "S03": "agree"})
    run = flow.ok("submit", path, actor="street:S03")
    assert "hearing、meeting 字段在流程中不起作用" in run.stdout
    assert flow.show("P-R-1")["streets"] == ["S03"]
