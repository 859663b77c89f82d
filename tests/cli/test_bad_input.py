"""Bad input through the CLI: a located message, exit code 1 or 2, no traceback, no output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MINI, proposal, run_cli, write_yaml


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _dump(tmp_path: Path, **changes: object) -> Path:
    return write_yaml(tmp_path / "p.yaml", proposal(**changes))


def _expect(run: object, code: int, *parts: str) -> None:
    assert run.code == code, (run.stdout, run.stderr)  # type: ignore[attr-defined]
    assert run.stdout == ""  # type: ignore[attr-defined]
    assert "Traceback" not in run.stderr  # type: ignore[attr-defined]
    for part in parts:
        assert part in run.stderr, run.stderr  # type: ignore[attr-defined]


def test_malformed_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema_version: 1\nid: [a\n")
    _expect(run_cli("evaluate", "--county", MINI, path), 1,
            "错误 [E-YAML] <tmp>/p.yaml:3".replace("<tmp>", str(tmp_path)), "YAML 格式错误")


def test_duplicate_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema_version: 1\nid: a\nid: b\n")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "p.yaml:3", "键 “id” 重复出现")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("title: 测试".encode("gbk"))
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "不是 UTF-8 编码")


def test_unknown_key_lists_allowed_fields(tmp_path: Path) -> None:
    path = _dump(tmp_path, colour="red")
    _expect(run_cli("evaluate", "--county", MINI, path), 1,
            "[E-SCHEMA]", "字段 colour：不认识的字段 “colour”", "允许的字段：")


def test_unknown_key_suggests_close_field(tmp_path: Path) -> None:
    path = _dump(tmp_path, work_plans=True)
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "您是否想写 “work_plan”？")


def test_wrong_enum_value(tmp_path: Path) -> None:
    path = _dump(tmp_path, mode="handover")
    _expect(run_cli("evaluate", "--county", MINI, path), 1,
            "p.yaml:6 字段 mode：取值 “handover” 无效，应为 hand_over、entrust、assist 之一",
            "您是否想写 “hand_over”？")


def test_wrong_phase_in_item(tmp_path: Path) -> None:
    path = _dump(tmp_path, item__phases=["patrol", "reprt"])
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "字段 item.phases[1]",
            "“reprt” 无效", "您是否想写 “report”？")


def test_wrong_type(tmp_path: Path) -> None:
    path = _dump(tmp_path, work_plan="yes please")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "字段 work_plan：应为 true 或 false")


def test_negative_number(tmp_path: Path) -> None:
    path = _dump(tmp_path, resources__funding=-1)
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "字段 resources.funding：数值过小")


def test_unknown_department(tmp_path: Path) -> None:
    path = _dump(tmp_path, department="fire_rescu")
    _expect(run_cli("evaluate", "--county", MINI, path), 1,
            "[E-REF]", "p.yaml:4 字段 department：未知的部门 “fire_rescu”",
            "您是否想写 “fire_rescue”？")


def test_unknown_street_in_targets_and_hearing(tmp_path: Path) -> None:
    path = _dump(tmp_path, streets=["S01", "S9"], hearing={"S01": "agree", "S9": "agree"})
    run = run_cli("evaluate", "--county", MINI, path)
    _expect(run, 1, "字段 streets[1]：未知的街道 “S9”", "字段 hearing.S9：未知的街道 “S9”")


def test_hearing_from_a_street_not_targeted(tmp_path: Path) -> None:
    path = _dump(tmp_path, streets=["S01"], hearing={"S01": "agree", "S02": "agree"})
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "S02 不是本申请的目标街道")


def test_unknown_catalogue_item(tmp_path: Path) -> None:
    path = _dump(tmp_path, item={"ref": "CG-01"})
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "未知的目录事项 “CG-01”",
            "您是否想写 “CG-001”？")


def test_missing_required_field(tmp_path: Path) -> None:
    data = proposal()
    del data["title"]
    path = write_yaml(tmp_path / "p.yaml", data)
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "字段 title：缺少必填字段")


def test_missing_county_directory(tmp_path: Path) -> None:
    path = _dump(tmp_path)
    _expect(run_cli("evaluate", "--county", tmp_path / "nowhere", path), 1,
            "[E-NOTFOUND]", "县区目录不存在", "用 --county 指定")


def test_county_directory_without_county_yaml(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _expect(run_cli("evaluate", "--county", tmp_path / "empty", _dump(tmp_path)), 1,
            "目录中没有 county.yaml")


def test_missing_proposal_file(tmp_path: Path) -> None:
    _expect(run_cli("evaluate", "--county", MINI, tmp_path / "none.yaml"), 1,
            "none.yaml：文件不存在")


def test_one_bad_file_among_several_prints_nothing(tmp_path: Path) -> None:
    good = write_yaml(tmp_path / "good.yaml", proposal())
    bad = write_yaml(tmp_path / "bad.yaml", proposal(mode="nope"))
    _expect(run_cli("evaluate", "--county", MINI, good, bad), 1, "bad.yaml")


@pytest.mark.parametrize("args", [
    ["evaluate"],
    ["evaluate", "--format", "xml", "x.yaml"],
    ["evaluate", "--bogus", "x.yaml"],
    ["nonsense"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    run = run_cli(*args)
    assert run.code == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr


def test_yaml_tag_is_refused_with_a_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema_version: 1\nurgency: !!python/object:os.system ls\n")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "p.yaml:2", "不能使用 !! 标签")


def test_bad_id_characters(tmp_path: Path) -> None:
    path = _dump(tmp_path, hearing={"S 01": "agree"})
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "编号只能由英文字母、数字")


def test_schema_version_as_text(tmp_path: Path) -> None:
    path = _dump(tmp_path, schema_version="1")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "schema_version 应为数字 1")


def test_catalogue_item_of_another_department(tmp_path: Path) -> None:
    path = _dump(tmp_path, item={"ref": "MZ-001"})
    _expect(run_cli("evaluate", "--county", MINI, path), 1,
            "目录事项 MZ-001 属于部门 civil_affairs，不能由 fire_rescue 申请")


def test_inline_item_of_another_department(tmp_path: Path) -> None:
    path = _dump(tmp_path, item__department="urban_management")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "与申请部门 fire_rescue 不一致")


def test_inline_item_id_clashing_with_catalogue(tmp_path: Path) -> None:
    path = _dump(tmp_path, item__id="CG-001")
    _expect(run_cli("evaluate", "--county", MINI, path), 1, "与目录事项重复")


def test_every_bad_file_reported_and_duplicate_ids(tmp_path: Path) -> None:
    a = write_yaml(tmp_path / "a.yaml", proposal(mode="x"))
    b = write_yaml(tmp_path / "b.yaml", proposal(urgency="y"))
    _expect(run_cli("evaluate", "--county", MINI, a, b), 1, "a.yaml", "b.yaml")
    c = write_yaml(tmp_path / "c.yaml", proposal())
    d = write_yaml(tmp_path / "d.yaml", proposal())
    _expect(run_cli("evaluate", "--county", MINI, c, d), 1, "申请编号 “P-T-100” 与")
