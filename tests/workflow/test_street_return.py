"""A street asks to hand an item back (交回): ``duty proposal return`` by the street, the
department concerned heard first, the office's review, the meeting, and publication changing
the lists; refused for a street acting for another street, with the store unchanged."""

from __future__ import annotations

from tests.workflow.conftest import Flow
from tests.workflow.test_adjustment import MEETING, diff, refused, rows

PID = "JH-S01-SJ-001"  # the default id of 东门街道's request to hand back SJ-001


def findings(flow: Flow, pid: str) -> set[str]:
    return {f["rule"] for f in flow.show(pid)["decisions"][-1]["decision"]["findings"]}


def test_a_street_hands_an_item_back_end_to_end(flow: Flow) -> None:
    # SJ-001 (food shop registration, specialist) needs a licence S01 does not hold
    run = flow.ok("return", "SJ-001", "--street", "东门街道", "--reason", "lacks_power",
                  "--reason", "department_item", "--note", "登记须由市场监管部门作出",
                  actor="street:S01")
    assert PID in run.stdout
    data = flow.show(PID)
    assert (data["state"], data["change"], data["applicant"], data["department"],
            data["streets"], data["requested_by"], data["reasons"]) == (
        "submitted", "recall", "street:S01", "market_regulation", ["S01"], "S01",
        ["lacks_power", "department_item"])
    assert data["department_opinion"] is None

    # the office reviews only after the department concerned is heard; only that one speaks
    refused(flow, "review", PID, actor="office",
            parts=("[E-REFUSED]", "market_regulation"))
    refused(flow, "department-opinion", PID, "--opinion", "agree",
            actor="department:civil_affairs",
            parts=())
    refused(flow, "department-opinion", PID, "--opinion", "agree", actor="street:S01",
            parts=("[E-FORBIDDEN]",))
    flow.ok("department-opinion", PID, "--opinion", "agree", "--note", "由区市场监管局收回",
            actor="department:market_regulation")
    heard = flow.show(PID)["department_opinion"]
    assert (heard["opinion"], heard["note"], heard["actor"]) == (
        "agree", "由区市场监管局收回", "department:market_regulation")
    assert ("街道申请：S01；理由：缺少事项所需的职权、属于部门的职责（登记须由市场监管部门作出）；"
            "部门意见：同意（由区市场监管局收回）") in flow.ok("show", PID).stdout

    flow.review(PID)
    assert flow.state(PID) == "legal_review"
    assert {"ADJ-POWER", "ADJ-DEPT-ITEM", "ASG-RECALL"} <= findings(flow, PID)
    flow.legal(PID)
    flow.hear(PID, "S01")
    flow.decide(PID, "--meeting", MEETING, "--admit")
    assert rows(flow, 0, "SJ-001") == {"S01": ("cooperative", None, 0),
                                       "S02": ("cooperative", None, 0)}
    flow.publish(PID)

    # publication moves the item on exactly that street
    assert flow.state(PID) == "published"
    assert rows(flow, 1, "SJ-001") == {"S01": ("recalled", PID, 0),
                                       "S02": ("cooperative", None, 0)}
    assert [c[:3] for c in diff(flow, 0, 1)] == [("S01", "SJ-001", "changed")]
    # every step is in the audit, by the role that took it
    assert [(e["action"], e["actor"]) for e in flow.history(PID)] == [
        ("draft", "street:S01"), ("submit", "street:S01"),
        ("department_opinion", "department:market_regulation"),
        ("start_review", "office"), ("pass_review", "office"), ("legal_pass", "justice"),
        ("opinion", "street:S01"), ("close_hearing", "street:S01"), ("admit", "county"),
        ("publish", "office")]


def test_a_street_cannot_ask_for_another_street(flow: Flow) -> None:
    flow.submit()  # the store exists: every refusal below must leave it byte for byte
    refused(flow, "return", "SJ-001", "--street", "S01", "--reason", "lacks_power",
            actor="street:S02", parts=("[E-REFUSED]", "street:S02", "S01"))
    # the same through a file naming the other street
    path = flow.file(id="P-J-1", department="market_regulation", change="recall", mode=None,
                     streets=["S01"], item={"ref": "SJ-001"}, requested_by="S01",
                     reasons=["lacks_power"], resources={"funding": 0})
    refused(flow, "submit", path, actor="street:S02", parts=("S01",))
    # a department cannot file a street's request either
    refused(flow, "submit", path, actor="department:market_regulation",
            parts=("S01",))
    assert rows(flow, 0, "SJ-001")["S01"] == ("cooperative", None, 0)
    # an item that does not exist is a usage error, and nothing is stored either
    flow.env("street:S01")  # the account exists before the snapshot
    before = flow.snapshot()
    run = flow.run("return", "XX-999", "--street", "S01", actor="street:S01")
    assert (run.code, run.stdout) == (2, "")
    assert "[E-NOTFOUND]" in run.stderr and "XX-999" in run.stderr
    assert flow.snapshot() == before


def test_a_request_without_reasons_is_returned_and_the_lists_stay(flow: Flow) -> None:
    flow.ok("return", "SJ-001", "--street", "S01", actor="street:S01")
    flow.ok("department-opinion", PID, "--opinion", "object",
            actor="department:market_regulation")
    run = flow.review(PID)
    assert flow.state(PID) == "returned"
    assert "ADJ-REASON" in run.stdout and "ADJ-REASON" in findings(flow, PID)
    # corrected and submitted again: the department is heard again on the new draft
    flow.ok("return", "SJ-001", "--street", "S01", "--reason", "lacks_power",
            actor="street:S01")
    assert flow.show(PID)["department_opinion"] is None
    refused(flow, "review", PID, actor="office", parts=())
