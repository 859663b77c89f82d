"""The admission process as data: the bundled file loads, and broken process files are refused
with errors naming the file and the line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataError, DataErrors, ErrorCode
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


def _golden(golden: Any, case: str, errors: list[DataError]) -> None:
    """Every error a policy error; their wording (with the file and line), once, in a golden
    file."""
    assert {e.code for e in errors} == {ErrorCode.POLICY}
    golden(f"errors/workflow_process/{case}.txt", "\n".join(e.render() for e in errors) + "\n")


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


def test_unreachable_state(tmp_path: Path, golden: Any) -> None:
    text = VALID.replace(
        "  dropped: {label: 撤回, final: true}\n",
        "  dropped: {label: 撤回, final: true}\n  orphan: {label: 孤立}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: leave, label: 离开, from: [orphan], to: done, role: office}\n")
    errors = _errors(_write(tmp_path, "unreachable", text))
    assert [e.location.line for e in errors] == [10] and "“orphan”" in errors[0].message
    assert errors[0].code == "E-POLICY"
    _golden(golden, "unreachable-state", errors)


def test_non_final_dead_end(tmp_path: Path, golden: Any) -> None:
    text = VALID.replace("  done: {label: 办结, final: true}\n",
                         "  done: {label: 办结, final: true}\n  limbo: {label: 搁置}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n")
    errors = _errors(_write(tmp_path, "dead-end", text))
    assert [e.location.line for e in errors] == [9] and "“limbo”" in errors[0].message
    assert errors[0].hint is not None and "final: true" in errors[0].hint
    _golden(golden, "dead-end", errors)


def test_a_self_loop_is_no_way_out(tmp_path: Path, golden: Any) -> None:
    text = VALID.replace("  done: {label: 办结, final: true}\n",
                         "  done: {label: 办结, final: true}\n  limbo: {label: 搁置}\n").replace(
        "to: dropped, role: department}\n",
        "to: dropped, role: department}\n"
        "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n"
        "  - {action: note, label: 备注, from: [limbo], to: limbo, role: office}\n")
    errors = _errors(_write(tmp_path, "self-loop", text))
    assert [e.location.line for e in errors] == [9] and "“limbo”" in errors[0].message
    _golden(golden, "self-loop", errors)


def test_unknown_state_in_a_transition(tmp_path: Path, golden: Any) -> None:
    text = VALID.replace("from: [review], to: done,", "from: [reveiw], to: dnoe,")
    errors = _errors(_write(tmp_path, "unknown", text))
    assert [(e.location.line, e.location.field) for e in errors] == [
        (13, "transitions[2].from"), (13, "transitions[2].to")]
    assert "“reveiw”" in errors[0].message and "“dnoe”" in errors[1].message
    assert errors[0].hint is not None and "“review”" in errors[0].hint
    assert errors[1].hint is not None and "“done”" in errors[1].hint
    _golden(golden, "unknown-state-in-transition", errors)


def test_unknown_state_in_a_block_style_transition_names_its_line(tmp_path: Path,
                                                                  golden: Any) -> None:
    text = VALID.replace(
        "  - {action: finish, label: 办结, from: [review], to: done, role: office}\n",
        "  - action: finish\n    label: 办结\n    from: [review]\n    to: finished\n"
        "    role: office\n")
    errors = _errors(_write(tmp_path, "block", text))
    assert [e.location.line for e in errors] == [16] and "“finished”" in errors[0].message
    _golden(golden, "unknown-state-block-style", errors)


def test_final_state_with_a_way_out(tmp_path: Path, golden: Any) -> None:
    text = VALID + "  - {action: reopen, label: 重新打开, from: [done], to: review, role: office}\n"
    errors = _errors(_write(tmp_path, "final-out", text))
    assert [e.location.line for e in errors] == [STATE_LINE["done"]]
    assert "“done”" in errors[0].message
    _golden(golden, "final-state-with-a-way-out", errors)


def test_unknown_initial_state(tmp_path: Path, golden: Any) -> None:
    errors = _errors(_write(tmp_path, "initial", VALID.replace("initial: draft", "initial: darft")))
    assert [e.location.line for e in errors] == [4] and "“darft”" in errors[0].message
    assert errors[0].hint is not None and "“draft”" in errors[0].hint
    _golden(golden, "unknown-initial-state", errors)


def test_duplicate_action(tmp_path: Path, golden: Any) -> None:
    text = VALID + "  - {action: finish, label: 再办结, from: [review], to: done, role: office}\n"
    errors = _errors(_write(tmp_path, "dup", text))
    assert [e.location.line for e in errors] == [15] and "“finish”" in errors[0].message
    _golden(golden, "duplicate-action", errors)


def test_several_problems_are_reported_together(tmp_path: Path, golden: Any) -> None:
    text = (VALID.replace("  dropped: {label: 撤回, final: true}\n",
                          "  dropped: {label: 撤回, final: true}\n  orphan: {label: 孤立}\n"
                          "  limbo: {label: 搁置}\n")
            + "  - {action: park, label: 搁置, from: [review], to: limbo, role: office}\n"
            + "  - {action: reopen, label: 重开, from: [done], to: review, role: office}\n")
    errors = _errors(_write(tmp_path, "many", text))
    assert sorted(e.location.line for e in errors) == [8, 10, 10, 11]
    named = [(e.location.line, re.findall("“(.+?)”", e.message)) for e in errors]
    assert sorted(named) == [(8, ["done"]), (10, ["orphan"]), (10, ["orphan"]),
                             (11, ["limbo"])]
    _golden(golden, "several-problems", errors)


def test_schema_errors_name_the_line(tmp_path: Path) -> None:
    text = VALID.replace("role: office}\n  - {action: withdraw",
                         "role: mayor}\n  - {action: withdraw")
    errors = _errors(_write(tmp_path, "schema", text))
    assert errors[0].location.line == 13
    assert "transitions[2].role" in (errors[0].location.field or "")


# --- the file against the names the code uses ------------------------------------------------


@pytest.mark.parametrize(("old", "new", "names", "case"), [
    ("action: legal_pass", "action: legal_passed", ("legal_pass", "legal_passed"),
     "renamed-action"),
    ("  hearing:", "  hearings:", ("hearing", "hearings"), "renamed-state"),
])
def test_a_renamed_action_or_state_fails_at_load(tmp_path: Path, old: str, new: str,
                                                 names: tuple[str, str], case: str,
                                                 golden: Any) -> None:
    text = default_process_path().read_text(encoding="utf-8")
    assert old in text
    renamed = text.replace(old, new) if "action" in old else \
        re.sub(r"\bhearing\b", "hearings", text)  # the state, wherever the file names it
    path = _write(tmp_path, "renamed", renamed)
    with pytest.raises(DataErrors) as info:
        load_process(path, checked=True)
    errors = info.value.errors
    # the new name is not one the code knows (the old one suggested); the old one is missing
    code_knows, file_has = names
    assert [(f"“{file_has}”" in e.message, f"“{code_knows}”" in (e.hint or ""))
            for e in errors[:1]] == [(True, True)]
    assert any(f"“{code_knows}”" in e.message for e in errors[1:])
    _golden(golden, case, errors)
    load_process(path, checked=False)  # the file on its own is still a sound process


def test_every_guard_the_file_may_name_is_provided() -> None:
    from engine.workflow.machine import GUARDS
    from engine.workflow.names import GuardName

    assert set(GUARDS) == {g.value for g in GuardName}
