"""The admission process as data: the bundled file loads, and broken process files are refused
with errors naming the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.errors import DataError, DataErrors
from engine.workflow.process import default_process_path, load_process

# A small valid process. Line numbers matter: the tests below name them.
VALID = """\
schema_version: 1
id: mini
title: 测试流程
initial: draft
states:
  draft: {label: 草稿, waiting_for: department}
  review: {label: 审核中, waiting_for: office}
  done: {label: 办结, final: true}
  dropped: {label: 撤回, final: true}
transitions:
  - {action: draft, label: 保存草稿, from: [], to: draft, role: department}
  - {action: submit, label: 提交, from: [draft], to: review, role: department}
  - {action: finish, label: 办结, from: [review], to: done, role: office}
  - {action: withdraw, label: 撤回, from: [draft, review], to: dropped, role: department}
"""
STATE_LINE = {"draft": 6, "review": 7, "done": 8, "dropped": 9}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path) -> list[DataError]:
    with pytest.raises(DataErrors) as info:
        load_process(path)
    errors = info.value.errors
    for e in errors:  # every error names the file and a line in it
        assert e.location.file == str(path)
        assert e.location.line is not None
        assert f"{path}:{e.location.line}" in info.value.render()
    return errors


def _reachable(process) -> set[str]:  # type: ignore[no-untyped-def]
    seen = {process.initial} | {t.to for t in process.transitions.values() if not t.from_}
    todo = list(seen)
    while todo:
        here = todo.pop()
        for t in process.transitions.values():
            if here in t.from_ and t.to not in seen:
                seen.add(t.to)
                todo.append(t.to)
    return seen


# --- the bundled process ---------------------------------------------------------------------


def test_bundled_process_loads() -> None:
    process = load_process()
    assert load_process(default_process_path()).states == process.states
    assert process.id == "admission"
    assert process.initial == "draft"
    for state in ("draft", "submitted", "office_review", "legal_review", "hearing",
                  "deliberation", "provisional", "admitted", "returned", "rejected",
                  "withdrawn", "published"):
        assert state in process.states
    for action in ("draft", "submit", "start_review", "pass_review", "return", "legal_pass",
                   "legal_fail", "opinion", "close_hearing", "provisional", "admit", "reject",
                   "publish", "withdraw"):
        assert action in process.transitions
    assert {n for n, s in process.states.items() if s.final} == {
        "rejected", "withdrawn", "published"}


def test_every_bundled_state_is_reachable_and_has_a_way_out() -> None:
    process = load_process()
    assert _reachable(process) == set(process.states)
    for name, state in process.states.items():
        exits = {t.to for t in process.transitions.values() if name in t.from_} - {name}
        assert bool(exits) != state.final, name


def test_bundled_roles_and_guards() -> None:
    p = load_process()
    assert p.transition("start_review").roles == ("office",)
    assert p.transition("legal_pass").roles == ("justice",)
    assert p.transition("opinion").roles == ("street",)
    assert p.transition("opinion").guards == ["target_street"]
    assert set(p.transition("close_hearing").roles) == {"street", "county"}
    assert p.transition("provisional").guards == ["emergency", "evaluation_admits"]
    assert p.transition("admit").guards == ["meeting_recorded", "evaluation_admits"]
    assert p.transition("publish").from_ == ["admitted"]
    assert p.states["hearing"].deadline == "hearing_days"
    assert p.states["provisional"].deadline == "emergency_approval_days"
    assert p.label(None) == "（新申请）"
    assert p.label("hearing") == "听取街道意见中"


# --- broken process files --------------------------------------------------------------------


def test_small_valid_process_loads(tmp_path: Path) -> None:
    process = load_process(_write(tmp_path, "valid", VALID))
    assert set(process.states) == set(STATE_LINE)
    assert _reachable(process) == set(STATE_LINE)


def test_unreachable_state(tmp_path: Path) -> None:
    text = VALID.replace(
        "  dropped: {label: 撤回, final: true}\n",
        "  dropped: {label: 撤回, final: true}\n  orphan: {label: 孤立}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: leave, label: 离开, from: [orphan], to: done, role: office}\n")
    errors = _errors(_write(tmp_path, "unreachable", text))
    assert [(e.message, e.location.line) for e in errors] == [
        ("状态 “orphan” 无法从初始状态到达", 10)]
    assert errors[0].code == "E-POLICY"


def test_non_final_dead_end(tmp_path: Path) -> None:
    text = VALID.replace("  done: {label: 办结, final: true}\n",
                         "  done: {label: 办结, final: true}\n  limbo: {label: 搁置}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n")
    errors = _errors(_write(tmp_path, "dead-end", text))
    assert [(e.message, e.location.line) for e in errors] == [
        ("非终止状态 “limbo” 没有出路", 9)]
    assert errors[0].hint is not None and "final: true" in errors[0].hint


def test_a_self_loop_is_no_way_out(tmp_path: Path) -> None:
    text = VALID.replace("  done: {label: 办结, final: true}\n",
                         "  done: {label: 办结, final: true}\n  limbo: {label: 搁置}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n"
        "  - {action: note, label: 备注, from: [limbo], to: limbo, role: office}\n")
    errors = _errors(_write(tmp_path, "self-loop", text))
    assert [(e.message, e.location.line) for e in errors] == [
        ("非终止状态 “limbo” 没有出路", 9)]


def test_unknown_state_in_a_transition(tmp_path: Path) -> None:
    text = VALID.replace("from: [review], to: done,", "from: [reveiw], to: dnoe,")
    errors = _errors(_write(tmp_path, "unknown", text))
    assert [(e.message, e.location.line, e.location.field) for e in errors] == [
        ("状态 “reveiw” 未定义", 13, "transitions[2].from"),
        ("状态 “dnoe” 未定义", 13, "transitions[2].to"),
    ]
    assert errors[0].hint == "您是否想写 “review”？"
    assert errors[1].hint == "您是否想写 “done”？"


def test_unknown_state_in_a_block_style_transition_names_its_line(tmp_path: Path) -> None:
    text = VALID.replace(
        "  - {action: finish, label: 办结, from: [review], to: done, role: office}\n",
        "  - action: finish\n    label: 办结\n    from: [review]\n    to: finished\n"
        "    role: office\n")
    errors = _errors(_write(tmp_path, "block", text))
    assert [(e.message, e.location.line) for e in errors] == [("状态 “finished” 未定义", 16)]


def test_final_state_with_a_way_out(tmp_path: Path) -> None:
    text = VALID + "  - {action: reopen, label: 重新打开, from: [done], to: review, role: office}\n"
    errors = _errors(_write(tmp_path, "final-out", text))
    assert [(e.message, e.location.line) for e in errors] == [
        ("终止状态 “done” 不应还有迁移", STATE_LINE["done"])]


def test_unknown_initial_state(tmp_path: Path) -> None:
    errors = _errors(_write(tmp_path, "initial", VALID.replace("initial: draft", "initial: darft")))
    assert [(e.message, e.location.line) for e in errors] == [("初始状态 “darft” 未定义", 4)]
    assert errors[0].hint == "您是否想写 “draft”？"


def test_duplicate_action(tmp_path: Path) -> None:
    text = VALID + "  - {action: finish, label: 再办结, from: [review], to: done, role: office}\n"
    errors = _errors(_write(tmp_path, "dup", text))
    assert [(e.message, e.location.line) for e in errors] == [("迁移动作 “finish” 重复", 15)]


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    text = (VALID.replace("  dropped: {label: 撤回, final: true}\n",
                          "  dropped: {label: 撤回, final: true}\n  orphan: {label: 孤立}\n"
                          "  limbo: {label: 搁置}\n")
            + "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n"
            + "  - {action: reopen, label: 重开, from: [done], to: review, role: office}\n")
    errors = _errors(_write(tmp_path, "many", text))
    assert sorted((e.message, e.location.line) for e in errors) == sorted([
        ("终止状态 “done” 不应还有迁移", 8),
        ("状态 “orphan” 无法从初始状态到达", 10),
        ("非终止状态 “orphan” 没有出路", 10),
        ("非终止状态 “limbo” 没有出路", 11),
    ])


def test_schema_errors_name_the_line(tmp_path: Path) -> None:
    text = VALID.replace("role: office}\n  - {action: withdraw",
                         "role: mayor}\n  - {action: withdraw")
    errors = _errors(_write(tmp_path, "schema", text))
    assert errors[0].location.line == 13
    assert "transitions[2].role" in (errors[0].location.field or "")


# --- the file against the names the code uses ------------------------------------------------


@pytest.mark.parametrize(("old", "new", "message", "hint"), [
    ("action: legal_pass", "action: legal_passed", "迁移动作 “legal_passed” 不是程序认识的名称",
     "您是否想写 “legal_pass”？"),
    ("  hearing:", "  hearings:", "状态 “hearings” 不是程序认识的名称", "您是否想写 “hearing”？"),
])
def test_a_renamed_action_or_state_fails_at_load(tmp_path: Path, old: str, new: str,
                                                 message: str, hint: str) -> None:
    text = default_process_path().read_text(encoding="utf-8")
    assert old in text
    renamed = text.replace(old, new) if "action" in old else \
        re.sub(r"\bhearing\b", "hearings", text)  # the state, wherever the file names it
    path = _write(tmp_path, "renamed", renamed)
    with pytest.raises(DataErrors) as info:
        load_process(path, checked=True)
    found = {(e.message, e.hint) for e in info.value.errors}
    assert (message, hint) in found
    assert any("缺少程序要用的" in e.message for e in info.value.errors)
    load_process(path, checked=False)  # the file on its own is still a sound process


def test_every_guard_the_file_may_name_is_provided() -> None:
    from engine.workflow.machine import GUARDS
    from engine.workflow.names import GuardName

    assert set(GUARDS) == {g.value for g in GuardName}
