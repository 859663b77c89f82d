"""`duty proposal` end to end through the CLI on the MINI county: every step of an admission,
its outputs, the published list versions, the audit chain, and how the store, actor and
county are chosen (options or DUTY_DB / DUTY_ACTOR / DUTY_COUNTY)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, proposal, run_cli, write_yaml
from tests.workflow.conftest import Flow

MEETING = "区委常委会2026年第12次"
AT = "2026-03-02T09:00:00+08:00"
HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


@pytest.fixture
def f(flow: Flow) -> Flow:
    return flow


def _shown(f: Flow, text: str) -> str:
    """Error text as golden files hold it: the store named alike on every back end."""
    return text.replace(f.target_name, "<store>")


def _file(f: Flow, **changes: object) -> Path:
    data = proposal(**{"streets": ["S01", "S03"], "legal_review": "pending", "hearing": None,
                       "meeting": None, **changes})
    return write_yaml(f.tmp / "p.yaml", data)


def test_full_admission_through_the_cli(f: Flow, golden: Any) -> None:
    path = _file(f)
    run = f.run("submit", path, actor="department:fire_rescue")
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  保存草稿（draft）：（新申请） → 草稿（draft）\n"
        "  提交申请（submit）：草稿（draft） → 已提交待审核（submitted）\n")
    run = f.run("review", "P-T-100", actor="office")
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  编办开始审核（start_review）：已提交待审核（submitted） → 编办审核中（office_review）\n"
        "  编办审核通过（pass_review）：编办审核中（office_review） → "
        "合法性审查中（legal_review）\n"
        "  规则评估结论：准入（admitted）\n")
    run = f.run("legal", "P-T-100", "--passed", actor="justice")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  合法性审查通过（legal_pass）：合法性审查中（legal_review） → "
        "听取街道意见中（hearing）\n")
    assert f.show("P-T-100")["unheard"] == ["S01", "S03"]
    run = f.run("hear", "P-T-100", "--street", "S01", "--opinion", "agree", actor="street:S01")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  街道反馈意见（opinion）：听取街道意见中（hearing） → 听取街道意见中（hearing）\n")
    assert f.show("P-T-100")["unheard"] == ["S03"]
    # a street may also be named by its Chinese name (S03)
    run = f.run("hear", "P-T-100", "--street", "南湖镇", "--opinion", "agree_with_conditions",
                "--note", "须配备巡查人员", actor="street:S03")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  街道反馈意见（opinion）：听取街道意见中（hearing） → 听取街道意见中（hearing）\n"
        "  意见听取结束（close_hearing）：听取街道意见中（hearing） → "
        "待县委或县政府会议审定（deliberation）\n")
    run = f.run("decide", "P-T-100", "--meeting", MEETING, "--admit", actor="county")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  会议审定准入（admit）：待县委或县政府会议审定（deliberation） → "
        "已准入待公布（admitted）\n"
        "  规则评估结论：附条件准入（admitted_with_conditions）\n")
    run = f.run("publish", "P-T-100", actor="office")
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == (
        "申请 P-T-100：\n"
        "  公布调整后的清单（publish）：已准入待公布（admitted） → "
        "已公布（清单已调整）（published）\n"
        "  已公布清单第 1 版\n")

    # show --format json
    data = f.show("P-T-100")
    assert data["id"] == "P-T-100"
    assert data["state"] == "published"
    assert data["streets"] == ["S01", "S03"]
    assert data["published_in"] == 1
    assert data["legal_review"] == "passed"
    assert data["opinions"] == {
        "S01": {"opinion": "agree", "note": None, "at": AT, "actor": "street:S01"},
        "S03": {"opinion": "agree_with_conditions", "note": "须配备巡查人员", "at": AT,
                "actor": "street:S03"}}
    assert data["meetings"] == [{"ref": MEETING, "outcome": "admit", "at": AT,
                                 "actor": "county"}]
    assert [(d["stage"], d["verdict"]) for d in data["decisions"]] == [
        ("review", "admitted"), ("decision", "admitted_with_conditions"),
        ("publication", "admitted_with_conditions")]
    for d in data["decisions"]:
        assert d["policy"]["id"] == "baseline"
        assert d["policy"]["version"] == "3"
        assert HASH.match(d["policy"]["hash"])
        assert d["decision"]["policy"]["hash"] == d["policy"]["hash"]
        assert d["decision"]["proposal"] == "P-T-100"
    assert [f["rule"] for f in data["decisions"][1]["decision"]["findings"]
            if f["effect"] == "condition"] == ["ADM-OPINION"]

    # history: every step with its actor
    steps = [(e["actor"], e["action"], e["from"], e["to"]) for e in f.history("P-T-100")]
    assert steps == [
        ("department:fire_rescue", "draft", None, "draft"),
        ("department:fire_rescue", "submit", "draft", "submitted"),
        ("office", "start_review", "submitted", "office_review"),
        ("office", "pass_review", "office_review", "legal_review"),
        ("justice", "legal_pass", "legal_review", "hearing"),
        ("street:S01", "opinion", "hearing", "hearing"),
        ("street:S03", "opinion", "hearing", "hearing"),
        ("street:S03", "close_hearing", "hearing", "deliberation"),
        ("county", "admit", "deliberation", "admitted"),
        ("office", "publish", "admitted", "published"),
    ]
    golden("workflow/history.txt", f.ok("history", "P-T-100").stdout)

    # the published version differs from version 0 by exactly this item on its streets
    run = run_cli("lists", "diff", "--from", "0", "--to", "1", "--db", f.db, "--format", "json")
    assert run.code == 0, run.stderr
    diff = json.loads(run.stdout)
    assert diff["decisions"] == []
    changes = diff["diff"]["changes"]
    assert [(c["street"], c["item"], c["change"]) for c in changes] == [
        ("S01", "P-T-100", "added"), ("S03", "P-T-100", "added")]
    assert all(c["before"] is None and c["after"]["proposal"] == "P-T-100" for c in changes)
    assert (diff["diff"]["streets_affected"], diff["diff"]["items_affected"]) == (2, 1)
    assert diff["diff"]["funding_after"] - diff["diff"]["funding_before"] == 2 * 20000
    assert diff["diff"]["workload_days_after"] - diff["diff"]["workload_days_before"] == 2 * 30

    for street, listed in (("S01", True), ("S02", False), ("S03", True), ("S04", False)):
        run = run_cli("lists", "build", "--version", "1", "--street", street, "--db", f.db)
        assert run.code == 0, run.stderr
        row = "| 无物业小区消防通道巡查 | 专业管理 | 区消防救援大队 |"
        assert (row in run.stdout) is listed, street
        data = json.loads(run_cli("lists", "build", "--version", "1", "--street", street,
                                  "--db", f.db, "--format", "json").stdout)
        (lists,) = data["streets"]
        found = [(part, r["proposal"]) for part in ("basic", "cooperative", "recalled")
                 for r in lists[part] if r["item"] == "P-T-100"]
        assert found == ([("cooperative", "P-T-100")] if listed else []), street
    before = run_cli("lists", "build", "--version", "0", "--street", "S01", "--db", f.db)
    assert before.code == 0 and "P-T-100" not in before.stdout

    run = run_cli("audit", "verify", "--db", f.db)
    assert run.code == 0, run.stdout
    entries = f.sql("SELECT COUNT(*) FROM duty_audit")[0][0]
    anchors = len((f.tmp / "duty.db.checkpoints").read_text(encoding="ascii").splitlines())
    assert run.stdout.startswith(f"审计记录完好：共 {entries} 条，签名与数据一致，"
                                 f"核对锚点 {anchors} 个。\n链头：{entries}:")
    run = run_cli("audit", "verify", "--db", f.db, "--format", "json")
    report = json.loads(run.stdout)
    assert (report["entries"], report["intact"], report["problems"]) == (entries, True, [])
    assert report["head"] == f"{entries}:" + f.sql(
        "SELECT mac FROM duty_audit ORDER BY seq DESC LIMIT 1")[0][0]


def test_show_text_output(f: Flow) -> None:
    f.to_hearing()
    f.hear("P-T-100", "S02", "object")
    run = f.ok("show", "P-T-100")
    text = re.sub(r"sha256:[0-9a-f]{12}", "sha256:<hash>", run.stdout)
    assert text == (
        "准入申请 P-T-100：测试申请\n"
        "申请人：department:fire_rescue；事项所属部门：fire_rescue；紧急程度：一般；第 1 稿\n"
        "状态：听取街道意见中（hearing）；期限：2026-03-16\n"
        "合法性审查：通过\n"
        "目标街道：S01、S02、S03、S04\n"
        "尚未反馈意见：S01、S03、S04\n"
        "街道意见：\n"
        f"  S02：不同意  {AT}\n"
        "规则评估：\n"
        f"  审核时 {AT}：准入（admitted），规则包 baseline 版本 3（sha256:<hash>）\n")


def test_list_and_json_outcome(f: Flow, golden: Any) -> None:
    f.submit()
    f.submit(id="P-T-101")
    f.review("P-T-101")
    run = f.ok("list")
    assert run.stdout == (
        "申请     类型  状态" + " " * 26 + "期限        标题\n"
        "-------  ----  " + "-" * 28 + "  ----------  --------\n"
        "P-T-100  准入  已提交待审核（submitted）     2026-03-23  测试申请\n"
        "P-T-101  准入  合法性审查中（legal_review）  2026-03-23  测试申请\n")
    rows = json.loads(f.ok("list", "--state", "legal_review", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["P-T-101"]
    run = f.run("list", "--state", "heard")
    assert run.code == 2 and "[E-NOTFOUND]" in run.stderr and "“heard”" in run.stderr
    assert "“hearing”" in run.stderr
    golden("errors/cli_proposal/unknown-state.txt", _shown(f, run.stderr))
    run = f.ok("legal", "P-T-101", "--passed", "--format", "json", actor="justice")
    assert json.loads(run.stdout) == {
        "proposal": "P-T-101", "steps": [{"action": "legal_pass", "from": "legal_review",
                                          "to": "hearing"}],
        "state": "hearing", "notes": [], "verdict": None, "version": None}


def test_publishing_two_proposals_makes_one_version(f: Flow, golden: Any) -> None:
    a = f.to_admitted()
    b = f.to_admitted(id="P-T-101", streets=["S02"], item__name="无物业小区消防设施巡查")
    run = f.publish(a, b)
    assert "已公布清单第 1 版" in run.stdout
    diff = json.loads(run_cli("lists", "diff", "--from", "0", "--to", "1", "--db", f.db,
                              "--format", "json").stdout)["diff"]
    assert sorted((c["street"], c["item"]) for c in diff["changes"]) == [
        ("S01", a), ("S02", a), ("S02", b), ("S03", a), ("S04", a)]
    assert f.show(a)["published_in"] == f.show(b)["published_in"] == 1
    run = run_cli("lists", "build", "--version", "2", "--db", f.db)
    assert run.code == 2 and "[E-NOTFOUND]" in run.stderr and "2" in run.stderr
    assert "0、1" in run.stderr
    golden("errors/cli_proposal/no-list-version-2.txt", _shown(f, run.stderr))


# --- choosing the store, the actor and the county ---------------------------------------------


def test_missing_actor_is_a_usage_error(local_flow: Flow, golden: Any) -> None:
    """In a single-user store the role is declared; none declared is a usage error."""
    f = local_flow
    run = f.run("submit", _file(f))
    assert run.code == 2 and run.stdout == ""
    assert "[E-USAGE]" in run.stderr and "DUTY_ACTOR" in run.stderr
    golden("errors/cli_proposal/missing-actor.txt", run.stderr)
    f.submit()
    before = f.snapshot()
    for args in (("review", "P-T-100"), ("withdraw", "P-T-100"),
                 ("hear", "P-T-100", "--street", "S01", "--opinion", "agree"),
                 ("decide", "P-T-100", "--meeting", MEETING, "--admit")):
        run = f.run(*args)
        assert run.code == 2, (args, run.stderr)
        assert "--as" in run.stderr and "DUTY_ACTOR" in run.stderr
        assert f.snapshot() == before
    assert f.state("P-T-100") == "submitted"


def test_unknown_actor(f: Flow, golden: Any) -> None:
    f.submit()
    for actor, value, case in (("mayor", "“mayor”", "unknown-role"),
                               ("street:S09", "S09", "unknown-street"),
                               ("department", "department", "role-needs-id"),
                               ("office:x", "office", "role-takes-no-id")):
        run = f.run("review", "P-T-100", actor=actor)
        assert run.code == 2 and "[E-USAGE]" in run.stderr, (actor, run.stderr)
        assert value in run.stderr, (actor, run.stderr)
        golden(f"errors/cli_proposal/actor-{case}.txt", _shown(f, run.stderr))


def test_store_of_another_county_is_refused(f: Flow, golden: Any) -> None:
    f.submit()
    before = f.snapshot()
    for args in (("show", "P-T-100"), ("review", "P-T-100", "--as", "office"), ("list",),
                 ("submit", Path("duties/proposals/01-ebike-charging-coordination.yaml"),
                  "--as", "department:urban_management")):
        run = run_cli("proposal", *args, "--db", f.db)  # --county omitted: the sample county
        assert run.code == 2, (args, run.stdout, run.stderr)
        assert "[E-CONFLICT]" in run.stderr and "“测试区”" in run.stderr
        assert "--county" in run.stderr
        golden("errors/cli_proposal/store-of-another-county.txt", _shown(f, run.stderr))
        assert f.snapshot() == before
    assert f.state("P-T-100") == "submitted"


def test_environment_instead_of_options(local_flow: Flow,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    f = local_flow
    path = _file(f)
    monkeypatch.setenv("DUTY_DB", str(f.db))
    monkeypatch.setenv("DUTY_COUNTY", str(MINI))
    monkeypatch.setenv("DUTY_ACTOR", "department:fire_rescue")
    run = run_cli("proposal", "submit", path)
    assert (run.code, run.stderr) == (0, ""), run.stderr
    assert f.db.exists()
    monkeypatch.setenv("DUTY_ACTOR", "office")
    assert run_cli("proposal", "review", "P-T-100").code == 0
    monkeypatch.setenv("DUTY_ACTOR", "justice")
    assert run_cli("proposal", "legal", "P-T-100", "--passed").code == 0
    monkeypatch.setenv("DUTY_ACTOR", "street:S01")
    assert run_cli("proposal", "hear", "P-T-100", "--street", "S01",
                   "--opinion", "agree").code == 0
    data = json.loads(run_cli("proposal", "show", "P-T-100", "--format", "json").stdout)
    assert data["state"] == "hearing"
    assert data["opinions"]["S01"]["actor"] == "street:S01"
    # an option wins over its variable
    run = run_cli("proposal", "hear", "P-T-100", "--street", "S03", "--opinion", "agree",
                  "--as", "street:S03")
    assert run.code == 0
    assert [(e["actor"], e["action"]) for e in json.loads(run_cli(
        "proposal", "history", "P-T-100", "--format", "json").stdout)][-3:] == [
        ("street:S01", "opinion"), ("street:S03", "opinion"), ("street:S03", "close_hearing")]
    assert run_cli("audit", "verify").code == 0  # DUTY_DB


def test_commands_do_not_create_a_store(local_flow: Flow, golden: Any) -> None:
    f = local_flow
    f.db = f.tmp / "none.db"
    for args in (("show", "P-T-100"), ("list",), ("overdue",), ("history", "P-T-100"),
                 ("review", "P-T-100", "--as", "office")):
        run = f.run(*args)
        assert run.code == 2 and "[E-STORE]" in run.stderr and "none.db" in run.stderr
        assert "store init" in run.stderr
        golden("errors/cli_proposal/store-missing.txt", run.stderr)
    run = run_cli("audit", "verify", "--db", f.db)
    assert run.code == 2 and "[E-STORE]" in run.stderr and "none.db" in run.stderr
    golden("errors/cli_proposal/store-missing.txt", run.stderr)
    assert sorted(p.name for p in f.tmp.iterdir()) == ["duty.db", "duty.db.checkpoints",
                                                         "duty.db.key"]


def test_unknown_proposal_suggests_a_close_id(f: Flow, golden: Any) -> None:
    f.submit()
    run = f.run("review", "P-T-10", actor="office")
    assert run.code == 2
    assert "[E-NOTFOUND]" in run.stderr and "“P-T-10”" in run.stderr
    assert "“P-T-100”" in run.stderr
    golden("errors/cli_proposal/unknown-proposal.txt", _shown(f, run.stderr))


def test_a_recall_reads_as_recall_through_the_workflow(f: Flow) -> None:
    data = proposal(department="urban_management", change="recall", item={"ref": "CG-001"},
                    legal_review="pending", hearing=None, meeting=None)
    for key in ("mode", "resources"):
        data.pop(key)
    path = write_yaml(f.tmp / "r.yaml", data)
    assert f.run("submit", path, actor="department:urban_management").code == 0
    run = f.run("review", "P-T-100", actor="office")
    assert run.code == 0 and run.stdout.endswith("  规则评估结论：同意收回（admitted）\n")
    shown = f.ok("show", "P-T-100").stdout
    assert shown.startswith("收回申请 P-T-100") and "审核时" in shown and "同意收回" in shown
