"""The admission commands: what each refuses (and that a refusal changes nothing, to the byte),
returns and resubmissions, working-day deadlines across National Day 2025, overdue lists,
the deemed agreement of streets that did not answer, and emergency (provisional) admission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import ForbiddenError, RefusedError
from engine.workflow.queries import Reader
from engine.workflow.service import DEEMED
from tests.conftest import Run
from tests.workflow.conftest import CLOCK, WORDING, Flow, actor, service

MEETING = "区委常委会2026年第12次"

# working days after Fri 2025-09-26, per the State Council calendar: Sun 09-28 (adjusted
# working day), 09-29, 09-30, [10-01 … 10-08 holiday], 10-09, 10-10, Sat 10-11 (adjusted),
# 10-13, 10-14, 10-15, 10-16
HEARING_DUE_FROM_0926 = "2025-10-16"


def refused(f: Flow, *args: str, actor: str | None, parts: tuple[str, ...],
            code: int = 1) -> Run:
    """Run a command that must be refused: exit ``code``, the message holds ``parts`` (its
    error code and the values it names; its wording is in a golden file), no output, and
    the database files are byte for byte what they were."""
    f.env(actor)  # the account exists before the snapshot
    before = f.snapshot()
    if not f.url:
        assert f.db.name in before
        assert not any(name.endswith("-wal") for name in before)  # checkpointed on close
    run = f.run(*args, actor=actor)
    assert run.code == code, (run.stdout, run.stderr)
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    for part in parts:
        assert part in run.stderr, (part, run.stderr)
    WORDING(f, run.stderr)
    assert f.snapshot() == before
    return run


# --- refusals ---------------------------------------------------------------------------------


def test_wrong_role(flow: Flow) -> None:
    pid = flow.submit()
    refused(flow, "review", pid, actor="justice",
            parts=("[E-FORBIDDEN]", "justice", "start_review", pid, "submitted", "office"))
    refused(flow, "legal", pid, "--passed", actor="office",
            parts=("[E-REFUSED]", "legal_pass"))  # wrong state is reported first
    assert flow.state(pid) == "submitted"


def test_wrong_department(flow: Flow) -> None:
    pid = flow.submit()
    refused(flow, "withdraw", pid, actor="department:civil_affairs",
            parts=("[E-FORBIDDEN]", "fire_rescue", "department:civil_affairs", "submitted",
                   "withdraw"))
    assert flow.state(pid) == "submitted"
    flow.ok("withdraw", pid, actor="department:fire_rescue")
    assert flow.state(pid) == "withdrawn"


def test_street_cannot_answer_for_another_street(flow: Flow) -> None:
    pid = flow.to_hearing()
    refused(flow, "hear", pid, "--street", "S02", "--opinion", "object", actor="street:S01",
            parts=("[E-FORBIDDEN]", "hearing", "opinion", "street:S01", "S02"))
    refused(flow, "hear", pid, "--street", "S01", "--opinion", "agree", actor="office",
            parts=("[E-FORBIDDEN]", "opinion", "street"))
    assert flow.show(pid)["opinions"] == {}


def test_street_that_is_not_a_target(flow: Flow) -> None:
    pid = flow.to_hearing(streets=["S01", "S02"])
    refused(flow, "hear", pid, "--street", "S03", "--opinion", "agree", actor="street:S03",
            parts=("hearing", "opinion", "S03"))
    assert flow.show(pid)["unheard"] == ["S01", "S02"]


def test_legal_before_review(flow: Flow) -> None:
    pid = flow.submit()
    refused(flow, "legal", pid, "--passed", actor="justice",
            parts=("submitted", "legal_pass", "department_opinion", "department", "start_review",
                   "office", "withdraw", "street"))


def test_publish_before_admission(flow: Flow) -> None:
    pid = flow.to_hearing()
    refused(flow, "publish", pid, actor="office",
            parts=("hearing", "publish", "opinion（street）", "close_hearing（street/county）"))
    for street in ("S01", "S02", "S03", "S04"):
        flow.hear(pid, street)
    refused(flow, "publish", pid, actor="office",
            parts=("deliberation", "publish", "admit（county）"))
    assert flow.sql("SELECT COUNT(*) FROM duty_version") == [(1,)]


def test_publishing_several_is_all_or_nothing(flow: Flow) -> None:
    a = flow.to_admitted()
    b = flow.to_deliberation(id="P-T-101", item__name="无物业小区消防设施巡查")
    refused(flow, "publish", a, b, actor="office",
            parts=(b, "deliberation", "publish"))
    assert flow.state(a) == "admitted"
    refused(flow, "publish", a, a, actor="office", parts=(), code=2)
    flow.publish(a)
    assert flow.state(a) == "published"


def test_decide_while_the_hearing_is_open(flow: Flow) -> None:
    pid = flow.to_hearing()
    flow.hear(pid, "S02")
    for how in (("--meeting", MEETING, "--admit"), ("--meeting", MEETING, "--reject")):
        refused(flow, "decide", pid, *how, actor="county",
                parts=("hearing", "close_hearing", "S01", "S03", "S04"))
    assert flow.state(pid) == "hearing"


def test_decide_needs_a_meeting(flow: Flow) -> None:
    pid = flow.to_deliberation()
    refused(flow, "decide", pid, "--admit", actor="county",
            parts=("deliberation", "admit"))
    refused(flow, "decide", pid, "--meeting", MEETING, "--admit", actor="office",
            parts=("office", "admit", "county"))
    refused(flow, "decide", pid, "--meeting", MEETING, actor="county",
            parts=(), code=2)


def _blocked_at_decision(flow: Flow) -> str:
    """A proposal that passed review, but whose item another proposal (same department, same
    item name) has meanwhile put on every street's list: at the meeting the rules find it
    already listed everywhere (ADM-LISTED: not_applicable), which does not admit."""
    late = flow.to_deliberation()
    early = flow.to_admitted(id="P-T-200")
    flow.publish(early)
    return late


def test_admission_blocked_by_a_finding_at_decision(flow: Flow) -> None:
    pid = _blocked_at_decision(flow)
    decisions = flow.sql("SELECT COUNT(*) FROM duty_decision")
    refused(flow, "decide", pid, "--meeting", MEETING, "--admit", actor="county",
            parts=("deliberation", "admit", "not_applicable",
                   "ADM-LISTED"))  # the finding behind the verdict
    assert flow.sql("SELECT COUNT(*) FROM duty_decision") == decisions  # evaluation rolled back
    flow.decide(pid, "--meeting", MEETING, "--reject")
    assert flow.state(pid) == "rejected"
    assert flow.show(pid)["meetings"][0]["outcome"] == "reject"


def test_admission_blocked_at_decision_through_the_service(flow: Flow) -> None:

    pid = _blocked_at_decision(flow)
    with service(flow) as wf, pytest.raises(RefusedError) as info:
        wf.decide(actor("county"), CLOCK, pid, MEETING, "admit")
    assert info.value.code == "E-REFUSED" and info.value.exit_code == 1
    assert (info.value.proposal, info.value.action, info.value.state) == (
        pid, "admit", "deliberation")
    assert "规则评估结论为 not_applicable" in info.value.reasons[0]
    assert flow.state(pid) == "deliberation"


def test_review_returns_a_proposal_whose_item_id_was_taken_meanwhile(flow: Flow) -> None:
    """A publication meanwhile put a new item with the same explicit item.id in the catalogue:
    the office review returns the proposal (rather than failing, which left it stuck)."""
    first = flow.submit(id="P-A", item__id="NEW-1")
    second = flow.submit(id="P-B", item__id="NEW-1", item__name="另一事项")
    flow.review(first)
    flow.legal(first)
    for street in ("S01", "S02", "S03", "S04"):
        flow.hear(first, street)
    flow.decide(first, "--meeting", MEETING, "--admit")
    flow.publish(first)
    run = flow.run("review", second, actor="office")
    assert flow.state(second) == "returned", (run.code, run.stderr)
    assert run.code == 0 and "NEW-1" in run.stdout
    assert [e["action"] for e in flow.history(second)][-2:] == ["start_review", "return"]


def test_review_returns_a_banned_instrument_and_the_fix_is_resubmitted(flow: Flow) -> None:
    pid = flow.submit(instruments=["responsibility_pledge"])
    run = flow.review(pid)
    assert run.stdout == (
        f"申请 {pid}：\n"
        "  编办开始审核（start_review）：已提交待审核（submitted） → 编办审核中（office_review）\n"
        "  编办退回补正（return）：编办审核中（office_review） → 已退回待补正（returned）\n"
        "  规则评估结论：不予准入（rejected）\n"
        "  注意：规则评估结论为 rejected（ADM-BAN-SHIFT：申请以“签订责任状”方式向街道转嫁工作"
        "责任，属于明令禁止的做法。）\n")
    data = flow.show(pid)
    assert (data["state"], data["revision"], data["due"]) == ("returned", 1, None)
    assert flow.history(pid)[-1]["detail"] == {"verdict": "rejected",
                                                "findings": ["ADM-BAN-SHIFT"]}
    # returned: the office cannot pass it, justice cannot review it, another department
    # cannot resubmit it
    refused(flow, "legal", pid, "--passed", actor="justice",
            parts=("returned", "submit（department/street）"))
    other = flow.file(id=pid, department="civil_affairs")
    refused(flow, "submit", str(other), actor="department:civil_affairs",
            parts=(pid, "fire_rescue"))
    # the corrected file, same id, same department: submitted again as revision 2
    run = flow.ok("submit", flow.file(), actor="department:fire_rescue")
    assert run.stdout == (
        f"申请 {pid}：\n"
        "  提交申请（submit）：已退回待补正（returned） → 已提交待审核（submitted）\n")
    data = flow.show(pid)
    assert (data["state"], data["revision"], data["due"]) == ("submitted", 2, "2026-03-23")
    assert flow.history(pid)[-1]["detail"]["revision"] == 2
    flow.review(pid)
    assert flow.state(pid) == "legal_review"
    # once submitted, the same file cannot be submitted again
    refused(flow, "submit", str(flow.file()), actor="department:fire_rescue",
            parts=("legal_review", "submit"))


def test_a_file_with_procedural_facts_gets_a_note(flow: Flow) -> None:
    path = flow.file(legal_review="passed")
    run = flow.ok("submit", path, actor="department:fire_rescue")
    assert "注意：申请文件中的 legal_review、hearing、meeting 字段在流程中不起作用" in run.stdout
    assert flow.show("P-T-100")["legal_review"] == "pending"


def test_draft_then_submit(flow: Flow) -> None:
    path = flow.file()
    run = flow.ok("submit", path, "--draft", actor="department:fire_rescue")
    assert run.stdout == "申请 P-T-100：\n  保存草稿（draft）：（新申请） → 草稿（draft）\n"
    assert flow.state("P-T-100") == "draft"
    refused(flow, "review", "P-T-100", actor="office",
            parts=("draft", "submit（department/street）"))
    flow.ok("submit", path, actor="department:fire_rescue")
    assert flow.state("P-T-100") == "submitted"
    # once submitted, it cannot be saved as a draft again (nothing changes)
    refused(flow, "submit", path, "--draft", actor="department:fire_rescue",
            parts=("submitted", "save_draft"))


def test_only_the_applicant_changes_a_draft(flow: Flow) -> None:
    path = flow.file()
    flow.ok("submit", path, "--draft", actor="department:fire_rescue")
    other = flow.file(title="改写的标题")
    for who in ("department:civil_affairs", "street:S01", "office"):
        refused(flow, "submit", other, "--draft", actor=who,
                parts=("[E-FORBIDDEN]", "draft", "（save_draft）"))
    run = flow.ok("submit", other, "--draft", actor="department:fire_rescue")
    assert run.stdout == ("申请 P-T-100：\n  修改申请（存为草稿）（save_draft）：草稿（draft） → "
                          "草稿（draft）\n")
    data = flow.show("P-T-100")
    assert (data["title"], data["revision"], data["state"]) == ("改写的标题", 2, "draft")
    assert [e["action"] for e in flow.history("P-T-100")] == ["draft", "save_draft"]


def test_legal_failure_rejects_and_ends_the_process(flow: Flow) -> None:
    pid = flow.submit()
    flow.review(pid)
    # a failed legal review states why: without an opinion it is refused, nothing changes
    run = refused(flow, "legal", pid, "--failed", actor="justice",
                  parts=("[E-NOTE]", "--note"))
    refused(flow, "legal", pid, "--failed", "--note", "  ", actor="justice",
            parts=("[E-NOTE]",))
    assert "Traceback" not in run.stderr
    flow.ok("legal", pid, "--failed", "--note", "交由街道的处罚权无法律授权",
            "--basis", "《中华人民共和国行政处罚法》第二十四条", actor="justice")
    data = flow.show(pid)
    assert (data["state"], data["legal_review"]) == ("rejected", "failed")
    assert [(n["action"], n["text"], n["basis"]) for n in data["notes"]] == [
        ("legal_fail", "交由街道的处罚权无法律授权", "《中华人民共和国行政处罚法》第二十四条")]
    refused(flow, "withdraw", pid, actor="department:fire_rescue",
            parts=("rejected",))
    refused(flow, "legal", pid, actor="justice", parts=(), code=2)


def test_withdrawn_proposal_accepts_nothing(flow: Flow) -> None:
    pid = flow.to_hearing()
    flow.hear(pid, "S01")
    flow.ok("withdraw", pid, actor="department:fire_rescue")
    assert flow.state(pid) == "withdrawn"
    refused(flow, "hear", pid, "--street", "S02", "--opinion", "agree", actor="street:S02",
            parts=("withdrawn",))
    refused(flow, "submit", str(flow.file()), actor="department:fire_rescue",
            parts=("withdrawn",))


# --- deadlines in working days ---------------------------------------------------------------


@pytest.mark.parametrize(("start", "due"), [
    ("2025-09-26", HEARING_DUE_FROM_0926),  # counts Sun 09-28 and Sat 10-11
    ("2025-09-30", "2025-10-21"),  # 10-09 10-10 10-11(Sat) 10-13 … 10-17 10-20 10-21
])
def test_hearing_deadline_skips_national_day(flow: Flow, start: str, due: str) -> None:
    flow.now(start)
    pid = flow.submit()
    assert flow.show(pid)["due"] == {"2025-09-26": "2025-10-23",
                                     "2025-09-30": "2025-10-28"}[start]  # review_days 15
    flow.review(pid)
    flow.legal(pid)
    data = flow.show(pid)
    assert (data["state"], data["due"], data["due_estimated"]) == ("hearing", due, False)
    assert f"状态：听取街道意见中（hearing）；期限：{due}\n" in flow.ok("show", pid).stdout


def test_deadline_beyond_the_calendar_is_estimated(flow: Flow) -> None:
    from engine.workdays import covered_years

    last = covered_years()[1]
    flow.now(f"{last}-12-24")
    pid = flow.submit()
    data = flow.show(pid)
    assert data["due_estimated"] is True and data["due"].startswith(f"{last + 1}-01-")
    assert "（按周一至周五估算，未计节假日）" in flow.ok("show", pid).stdout


def _late_hearing(flow: Flow) -> str:
    flow.now("2025-09-26")
    pid = flow.to_hearing()
    flow.now("2025-10-09")
    flow.hear(pid, "S02", "object")
    return pid


def test_overdue_lists_the_streets_that_have_not_answered(flow: Flow) -> None:
    pid = _late_hearing(flow)
    flow.now(HEARING_DUE_FROM_0926)  # the due date itself is not late
    assert flow.ok("overdue").stdout == "没有逾期的申请。\n"
    assert json.loads(flow.ok("overdue", "--format", "json").stdout) == []
    flow.now("2025-10-20")  # Fri 10-17 and Mon 10-20: two working days late
    rows = json.loads(flow.ok("overdue", "--format", "json").stdout)
    assert rows == [{"id": pid, "title": "测试申请", "state": "hearing",
                     "due": HEARING_DUE_FROM_0926, "estimated": False, "days_late": 2,
                     "waiting_for": ["street:S01", "street:S03", "street:S04"]}]
    text = flow.ok("overdue").stdout
    assert text.splitlines()[0] == "逾期未办："
    assert text.splitlines()[-1].split() == [
        pid, "听取街道意见中（hearing）", HEARING_DUE_FROM_0926, "2", "个工作日",
        "street:S01、street:S03、street:S04"]


def test_overdue_names_who_must_act_in_other_states(flow: Flow) -> None:
    flow.now("2025-09-26")
    a = flow.submit(id="P-T-A")
    b = flow.submit(id="P-T-B", item__name="消防设施巡查")
    flow.review(b)
    c = flow.submit(id="P-T-C", work_plan=False, item__name="消防宣传")
    flow.review(c)
    assert flow.state(c) == "returned"
    flow.now("2025-10-27")  # review due 2025-10-23 (Thu): 10-24, 10-27 late
    rows = json.loads(flow.ok("overdue", "--format", "json").stdout)
    assert [(r["id"], r["state"], r["due"], r["days_late"], r["waiting_for"]) for r in rows] == [
        (a, "submitted", "2025-10-23", 2, ["office"]),
        (b, "legal_review", "2025-10-23", 2, ["justice"]),
    ]


def test_decide_after_the_deadline_deems_the_silent_streets_agreeing(flow: Flow) -> None:
    pid = _late_hearing(flow)
    flow.now(HEARING_DUE_FROM_0926)
    refused(flow, "decide", pid, "--meeting", MEETING, "--admit", actor="county",
            parts=("S01", "S03", "S04", HEARING_DUE_FROM_0926))
    flow.now("2025-10-17")
    run = flow.decide(pid, "--meeting", MEETING, "--admit")
    assert run.stdout == (
        f"申请 {pid}：\n"
        "  意见听取结束（close_hearing）：听取街道意见中（hearing） → "
        "待县委或县政府会议审定（deliberation）\n"
        "  会议审定准入（admit）：待县委或县政府会议审定（deliberation） → "
        "已准入待公布（admitted）\n"
        "  规则评估结论：附条件准入（admitted_with_conditions）\n")
    data = flow.show(pid)
    assert data["state"] == "admitted"
    at = "2025-10-17T09:00:00+08:00"
    assert data["opinions"] == {
        "S02": {"opinion": "object", "note": None, "at": "2025-10-09T09:00:00+08:00",
                "actor": "street:S02"},
        **{s: {"opinion": "agree", "note": DEEMED, "at": at, "actor": "county"}
           for s in ("S01", "S03", "S04")}}
    assert DEEMED == "听取意见期限届满未反馈，视为无异议"
    close = [e for e in flow.history(pid) if e["action"] == "close_hearing"]
    assert [(e["actor"], e["detail"]) for e in close] == [
        ("county", {"reason": "deadline_passed", "deemed": ["S01", "S03", "S04"]})]
    assert "视为无异议：S01、S03、S04" in flow.ok("history", pid).stdout
    decision = data["decisions"][-1]["decision"]
    assert {s["street"]: s["verdict"] for s in decision["streets"]} == {
        "S01": "admitted", "S02": "admitted_with_conditions", "S03": "admitted",
        "S04": "admitted"}
    assert flow.ok("overdue").stdout == "没有逾期的申请。\n"


# --- emergency admission ---------------------------------------------------------------------


def test_emergency_provisional_then_admitted_at_a_meeting(flow: Flow) -> None:
    flow.now("2025-09-26")
    pid = flow.to_deliberation(urgency="emergency", item__name="登革热应急灭蚊")
    run = flow.decide(pid, "--provisional")
    assert run.stdout == (
        f"申请 {pid}：\n"
        "  突发事件临时准入（provisional）：待县委或县政府会议审定（deliberation） → "
        "临时准入（待补办审定）（provisional）\n"
        "  规则评估结论：附条件准入（admitted_with_conditions）\n")
    data = flow.show(pid)
    # emergency_approval_days = 10 working days, across National Day
    assert (data["state"], data["due"]) == ("provisional", HEARING_DUE_FROM_0926)
    assert data["meetings"] == []
    last = data["decisions"][-1]
    assert last["stage"] == "decision" and last["verdict"] == "admitted_with_conditions"
    assert "ADM-EMERGENCY" in [f["rule"] for f in last["decision"]["findings"]]
    assert flow.history(pid)[-1]["detail"] == {"verdict": "admitted_with_conditions"}
    refused(flow, "publish", pid, actor="office", parts=("provisional",))

    flow.now("2025-10-20")  # the meeting is late: provisional shows as overdue
    rows = json.loads(flow.ok("overdue", "--format", "json").stdout)
    assert [(r["id"], r["state"], r["days_late"], r["waiting_for"]) for r in rows] == [
        (pid, "provisional", 2, ["county"])]
    run = flow.decide(pid, "--meeting", MEETING, "--admit")
    assert ("会议审定准入（admit）：临时准入（待补办审定）（provisional） → "
            "已准入待公布（admitted）") in run.stdout
    data = flow.show(pid)
    assert (data["state"], data["due"]) == ("admitted", None)
    assert data["decisions"][-1]["verdict"] == "admitted"
    assert data["meetings"][0]["ref"] == MEETING
    flow.publish(pid)
    assert flow.state(pid) == "published"


def test_provisional_can_be_rejected_or_withdrawn(flow: Flow) -> None:
    a = flow.to_deliberation(urgency="emergency", item__name="登革热应急灭蚊")
    flow.decide(a, "--provisional")
    refused(flow, "decide", a, "--provisional", actor="county",
            parts=("provisional",))
    flow.decide(a, "--meeting", MEETING, "--reject")
    assert flow.state(a) == "rejected"
    b = flow.to_deliberation(id="P-T-101", urgency="emergency", item__name="汛期应急巡堤")
    flow.decide(b, "--provisional")
    flow.ok("withdraw", b, actor="department:fire_rescue")
    assert flow.state(b) == "withdrawn"


def test_a_normal_proposal_cannot_go_provisional(flow: Flow) -> None:
    pid = flow.to_deliberation()
    refused(flow, "decide", pid, "--provisional", actor="county",
            parts=("deliberation", "provisional", "urgency", "emergency"))
    temporary = flow.to_deliberation(id="P-T-101", urgency="temporary", ends="2026-10-31",
                                     item__name="消防设施巡查")
    refused(flow, "decide", temporary, "--provisional", actor="county",
            parts=("urgency", "emergency"))
    assert flow.state(pid) == flow.state(temporary) == "deliberation"


def test_emergency_still_needs_the_hearing(flow: Flow) -> None:
    pid = flow.to_hearing(urgency="emergency", item__name="登革热应急灭蚊")
    refused(flow, "decide", pid, "--provisional", actor="county",
            parts=("hearing",))


# --- the service directly ---------------------------------------------------------------------


def test_service_outcomes(flow: Flow) -> None:

    from engine.loading.proposal import load_proposal

    path: Path = flow.file()
    with service(flow) as wf:
        out = wf.submit(actor("department:fire_rescue"), CLOCK, load_proposal(path))
        assert out.proposal == "P-T-100"
        assert [(s.action, s.from_, s.to) for s in out.steps] == [
            ("draft", None, "draft"), ("submit", "draft", "submitted")]
        out = wf.review(actor("office"), CLOCK, "P-T-100")
        assert out.decision is not None and out.decision.verdict == "admitted"
        assert [s.action for s in out.steps] == ["start_review", "pass_review"]
        with pytest.raises(ForbiddenError) as info:
            wf.legal(actor("office"), CLOCK, "P-T-100", True)
        assert (info.value.action, info.value.role) == ("legal_pass", "office")
        with pytest.raises(RefusedError) as refused:
            wf.review(actor("office"), CLOCK, "P-T-100")
        assert (refused.value.action, refused.value.state) == ("start_review", "legal_review")
        assert Reader(wf, None).show("P-T-100").state == "legal_review"
        assert [r.id for r in Reader(wf, None).proposals("legal_review")] == ["P-T-100"]
