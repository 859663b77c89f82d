"""The command line speaks Chinese: the library's usage errors, ids given by Chinese name, and
a Chinese name given where an identifier is expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.api import by_name, known_id
from engine.cli_words import message_words
from engine.errors import ChoiceError
from tests.conftest import MINI, run_cli

USAGE = [
    (["lists", "build", "--format", "foo"], "duty lists build [选项]",
     "错误 [E-USAGE] '--format' / '-f' 的取值无效：“foo” 不是可选的值，应为 md、html、csv、xlsx、"
     "json 之一"),
    (["proposal", "hear"], "duty proposal hear [选项]", "错误 [E-USAGE] 缺少参数 pid"),
    (["lists", "build", "--forma", "md"], "duty lists build [选项]",
     "错误 [E-USAGE] 没有选项 --forma；可能是：--force, --format"),
    (["lists", "build", "--street"], None, "错误 [E-USAGE] 选项 --street 须跟一个值"),
    (["lst"], "duty [选项] 命令 [参数]...", "错误 [E-USAGE] 没有命令 “lst”；您是否想写 “lists”？"),
    (["lists", "build", "a", "b"], "duty lists build [选项]", "错误 [E-USAGE] 多余的参数：a b"),
    (["lists", "build", "--version", "x"], "duty lists build [选项]",
     "错误 [E-USAGE] '--version' 的取值无效：应为整数"),
    (["scenario", "run", "--fail-under", "200"], "duty scenario run [选项]",
     "错误 [E-USAGE] '--fail-under' 的取值无效：应不大于 100"),
]


@pytest.mark.parametrize(("args", "usage", "error"), USAGE, ids=lambda v: str(v)[:30])
def test_usage_errors_in_chinese(args: list[str], usage: str | None, error: str) -> None:
    run = run_cli(*args)
    assert run.code == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[-1] == error
    if usage is not None:
        assert lines[0].startswith(f"用法：{usage}")
        assert lines[1] == f"运行 “{usage.split(' [')[0]} --help” 查看帮助。"
    assert not any(w in run.stderr for w in ("Error", "Usage", "Missing", "Invalid", "No such"))


def test_a_chinese_name_for_an_identifier_suggests_the_identifier() -> None:
    run = run_cli("proposal", "hear", "P-1", "--street", "S01", "--opinion", "同意")
    assert run.code == 2
    assert run.stderr.splitlines()[-1].endswith("；“同意” 的标识是 agree，请写 agree")
    assert message_words("Invalid value for '--x': 'specialis' is not one of 'specialist', "
                         "'assisting'.").endswith("您是否想写 “specialist”？")


def test_a_category_written_in_chinese_in_a_file(tmp_path: Path) -> None:
    county = tmp_path / "county"
    county.mkdir()
    data = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    data["items"][0]["category"] = "协助管理"
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    run = run_cli("check", "--county", county)
    assert run.code == 1
    assert "取值 “协助管理” 无效" in run.stderr
    assert "提示：“协助管理” 的标识是 assisting，请写 assisting" in run.stderr


def test_ids_by_chinese_name() -> None:
    by_id = run_cli("lists", "build", "--street", "S01", "--format", "json")
    by_name = run_cli("lists", "build", "--street", "解放路街道", "--format", "json")
    assert by_name.code == 0 and by_name.stdout == by_id.stdout
    dept = run_cli("lists", "build", "--department", "区民政局", "--format", "json")
    assert dept.code == 0 and dept.stdout == run_cli(
        "lists", "build", "--department", "civil_affairs", "--format", "json").stdout
    staffing = run_cli("report", "staffing", "--street", "柳林镇", "--format", "json")
    assert staffing.code == 0 and staffing.stdout == run_cli(
        "report", "staffing", "--street", "S10", "--format", "json").stdout


def test_an_unknown_or_ambiguous_name(tmp_path: Path) -> None:
    run = run_cli("lists", "build", "--street", "解放路")
    assert run.code == 2
    assert run.stderr == ("错误 [E-USAGE] --street：未知的街道 “解放路”\n"
                          "  提示：您是否想写 “解放路街道”？"
                          "未用 --county 指定县区目录，当前使用的是内置示例区。\n")
    county = tmp_path / "county"
    county.mkdir()
    data = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    data["streets"][1]["name"] = data["streets"][0]["name"]
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    name = data["streets"][0]["name"]
    run = run_cli("lists", "build", "--county", county, "--street", name)
    assert run.code == 2 and f"名称 “{name}” 对应多个街道（S01、S02）" in run.stderr


def test_the_engine_names_the_field_and_the_command_line_its_option() -> None:
    known = {"S01": "解放路街道", "S02": "解放路街道", "S03": "柳林镇"}
    with pytest.raises(ChoiceError) as unknown:
        known_id("柳林", known, "街道", "street", sample_county=True)
    error = unknown.value
    assert (error.field, error.value, error.reason, error.sample_county) == (
        "street", "柳林", "unknown", True)
    assert error.render() == "错误 [E-USAGE] 未知的街道 “柳林”\n  提示：您是否想写 “柳林镇”？"
    with pytest.raises(ChoiceError) as ambiguous:
        by_name("解放路街道", known, "街道", "street")
    assert (ambiguous.value.reason, ambiguous.value.matches) == ("ambiguous", ["S01", "S02"])
    assert "--" not in ambiguous.value.render()
