"""`duty scenario run` through the CLI: full output, exit codes, bad scenarios, report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, proposal, run_cli, write_yaml


def scenario(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": "消防通道巡查请街道配合",
        "description": "专业管理事项由部门牵头，街道配合。",
        "sources": [{"document": "历下调查", "clause": "三（二）"}],
        "county": str(MINI),
        "steps": [{"proposal": proposal(), "apply": True,
                   "expect": {"verdict": "admitted",
                              "each_street": {"list": "cooperative", "primary": "department"},
                              "streets": {"S01": {"fired": ["ASG-SPEC"],
                                                  "not_fired": ["ADM-LISTED"]}},
                              "rows": [{"street": "S02", "item": "P-T-100",
                                        "list": "cooperative", "proposal": "P-T-100"}]}}],
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, file: str = "fire", **changes: Any) -> Path:
    return write_yaml(tmp_path / "sc" / f"{file}.yaml", scenario(**changes))


def test_passing_scenario(tmp_path: Path) -> None:
    _write(tmp_path)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout == "通过  fire：消防通道巡查请街道配合\n\n1 passed, 0 failed\n"


def test_wrong_expectation_fails_with_a_readable_difference(tmp_path: Path) -> None:
    bad = scenario()
    bad["steps"][0]["expect"]["streets"]["S01"].update(
        {"verdict": "rejected", "primary": {"kind": "unit", "id": "mr-east"},
         "funding": {"amount": 1}})
    bad["steps"][0]["expect"]["rows"][0]["list"] = "basic"
    write_yaml(tmp_path / "sc" / "bad.yaml", bad)
    _write(tmp_path)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 1
    assert run.stdout == (
        "失败  bad：消防通道巡查请街道配合\n"
        "      第 1 步（P-T-100）街道 S01，streets.S01.verdict：期望 rejected，实际 admitted\n"
        "      第 1 步（P-T-100）街道 S01，streets.S01.primary：期望 unit:mr-east，"
        "实际 department:fire_rescue\n"
        "      第 1 步（P-T-100）街道 S01，streets.S01.funding.amount：期望 1，实际 20000\n"
        "      第 1 步（P-T-100）街道 S02，rows[0](P-T-100).list：期望 basic，实际 cooperative\n"
        "通过  fire：消防通道巡查请街道配合\n"
        "\n"
        "1 passed, 1 failed\n")


def test_json_output(tmp_path: Path) -> None:
    _write(tmp_path)
    run = run_cli("scenario", "run", tmp_path / "sc", "--format", "json")
    data = json.loads(run.stdout)
    assert (data["passed"], data["failed"]) == (1, 0)
    step = data["scenarios"][0]["steps"][0]
    assert step["verdict"] == "admitted" and step["differences"] == []
    assert step["rules_fired"] == ["ASG-SPEC"] and step["streets"]["S04"] == "admitted"
    assert "coverage" not in data


def test_k_selects_by_key(tmp_path: Path, golden: Any) -> None:
    _write(tmp_path, "fire")
    _write(tmp_path, "other", name="别的")
    run = run_cli("scenario", "run", tmp_path / "sc", "-k", "OTH")
    assert run.stdout.splitlines()[0] == "通过  other：别的"
    assert run.stdout.endswith("1 passed, 0 failed\n")
    run = run_cli("scenario", "run", tmp_path / "sc", "-k", "nothing")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "nothing" in run.stderr
    golden("errors/cli_scenario/k-matches-nothing.txt", run.stderr)


def test_coverage_and_fail_under(tmp_path: Path, golden: Any) -> None:
    _write(tmp_path)
    run = run_cli("scenario", "run", tmp_path / "sc", "--coverage")
    assert run.code == 0
    assert "规则覆盖：1/38 条规则至少在一个情景中触发（2.6%）" in run.stdout
    assert re.search(r"^  ASG-SPEC +1 个情景  专业管理事项由部门承担第一责任$", run.stdout, re.M)
    assert "从未触发：ASG-COMP、ASG-ASSIST、" in run.stdout
    low = run_cli("scenario", "run", tmp_path / "sc", "--fail-under", "100")
    assert low.code == 1 and "2.6%" in low.stderr and "--fail-under 100" in low.stderr
    golden("errors/cli_scenario/coverage-under-fail-under.txt", low.stderr)
    assert low.stdout.endswith("1 passed, 0 failed\n")
    assert run_cli("scenario", "run", tmp_path / "sc", "--fail-under", "2.6").code == 0
    assert run_cli("scenario", "run", tmp_path / "sc", "--fail-under", "150").code == 2


def test_report(tmp_path: Path) -> None:
    _write(tmp_path)
    out = tmp_path / "report.md"
    assert run_cli("scenario", "run", tmp_path / "sc", "--report", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 情景检验报告\n\n1 passed, 0 failed\n")
    assert "### 第 1 步：P-T-100 测试申请" in text
    assert "结论：准入（admitted）；获准的街道（S01、S02、S03、S04）计入清单后进入下一步。" in text
    assert "#### 清单变化：4 个街道、1 个事项受影响" in text
    assert "##### S01 东门街道" in text


@pytest.mark.parametrize(("case", "text", "parts"), [
    ("broken-yaml", "schema_version: 1\nname: [x\n", ["[E-YAML]", "bad.yaml:3"]),
    ("unknown-field", "schema_version: 1\nname: x\ndescription: y\nstep: []\n",
     ["bad.yaml:4", "“step”", "steps"]),
])
def test_unreadable_scenario_exits_2(tmp_path: Path, case: str, text: str, parts: list[str],
                                     golden: Any) -> None:
    (tmp_path / "sc").mkdir()
    (tmp_path / "sc" / "bad.yaml").write_text(text, encoding="utf-8")
    _write(tmp_path)
    out = tmp_path / "report.md"
    run = run_cli("scenario", "run", tmp_path / "sc", "--report", out)
    assert (run.code, run.stdout) == (2, "")
    for part in parts:
        assert part in run.stderr, run.stderr
    golden(f"errors/cli_scenario/unreadable-{case}.txt", run.stderr)
    assert not out.exists()


def test_bad_references_are_located(tmp_path: Path) -> None:
    data = scenario()
    expect = data["steps"][0]["expect"]
    expect["fired"] = ["ASG-SPECC"]
    expect["streets"]["S09"] = {"verdict": "admitted"}
    data["county"] = {"path": str(MINI), "changes": {
        "units": [{"id": "u-new", "name": "新所", "department": "market_regulaton",
                   "mode": "dispatched", "streets": ["S01"]}],
        "streets": [{"id": "S01", "kind": "village"}]}}
    write_yaml(tmp_path / "sc" / "bad.yaml", data)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert (run.code, run.stdout) == (2, "")
    err = run.stderr
    assert "字段 county.changes.streets[0].kind：取值 “village” 无效" in err
    assert "county.changes.units[0].department" not in err
    assert "steps[0].expect.fired[0]" not in err and "ASG-SPECC" not in err


def test_reference_errors_after_valid_changes(tmp_path: Path, golden: Any) -> None:
    data = scenario()
    expect = data["steps"][0]["expect"]
    expect["fired"] = ["ASG-SPECC"]
    expect["streets"]["S09"] = {"verdict": "admitted"}
    data["county"] = {"path": str(MINI), "changes": {
        "units": [{"id": "u-new", "name": "新所", "department": "market_regulaton",
                   "mode": "dispatched", "streets": ["S01"]}]}}
    write_yaml(tmp_path / "sc" / "bad.yaml", data)
    err = run_cli("scenario", "run", tmp_path / "sc").stderr
    assert "county.changes.units[0].department" in err and "“market_regulaton”" in err
    assert "“market_regulation”" in err  # the suggestion
    golden("errors/cli_scenario/unknown-department-in-changes.txt", err)
    data["county"] = str(MINI)
    write_yaml(tmp_path / "sc" / "bad.yaml", data)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 2 and run.stderr.count("[E-REF]") == 2
    assert "字段 steps[0].expect.fired[0]" in run.stderr and "“ASG-SPECC”" in run.stderr
    assert "“ASG-SPEC”" in run.stderr
    assert "字段 steps[0].expect.streets.S09" in run.stderr and "“S09”" in run.stderr
    golden("errors/cli_scenario/unknown-rule-and-street.txt", run.stderr)


def test_missing_county(tmp_path: Path, golden: Any) -> None:
    write_yaml(tmp_path / "sc" / "bad.yaml", scenario(county="no-such-county"))
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 2
    assert "[E-NOTFOUND]" in run.stderr and "bad.yaml:7 字段 county" in run.stderr
    assert "no-such-county" in run.stderr
    golden("errors/cli_scenario/missing-county.txt", run.stderr)


def test_missing_proposal_file(tmp_path: Path, golden: Any) -> None:
    data = scenario()
    data["steps"][0]["proposal"] = "missing.yaml"
    write_yaml(tmp_path / "sc" / "bad.yaml", data)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 2
    assert "[E-NOTFOUND]" in run.stderr and "sc/missing.yaml" in run.stderr
    golden("errors/cli_scenario/missing-proposal-file.txt", run.stderr)


def test_unknown_item_in_a_step_is_unreadable(tmp_path: Path, golden: Any) -> None:
    data = scenario()
    data["steps"][0]["proposal"]["item"] = {"ref": "CG-999"}
    write_yaml(tmp_path / "sc" / "bad.yaml", data)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 2
    assert "[E-REF]" in run.stderr and "bad.yaml:17 字段 steps[0].proposal.item.ref" in run.stderr
    assert "“CG-999”" in run.stderr
    golden("errors/cli_scenario/unknown-item-in-step.txt", run.stderr)


def test_no_scenarios_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             golden: Any) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("scenario", "run")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "scenarios/" in run.stderr
    golden("errors/cli_scenario/no-scenarios-folder.txt", run.stderr)
    assert run_cli("scenario", "run", "nowhere").code == 2


def test_a_rule_switched_off_may_be_named_among_those_that_must_not_fire(tmp_path: Path) -> None:
    off = {"id": "ADM-LISTED", "title": "停用", "scope": "street", "enabled": False,
           "citation": {"document": "d", "clause": "c"},
           "when": {"fact": "listed", "eq": True}, "effect": "note", "message": "m"}
    county = {"path": str(MINI), "changes": {"rules": [off]}}
    _write(tmp_path, county=county)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert (run.code, run.stderr) == (0, ""), run.stdout
    bad = scenario(county=county)
    bad["steps"][0]["expect"]["fired"] = ["ADM-LISTED"]
    write_yaml(tmp_path / "sc" / "fire.yaml", bad)
    run = run_cli("scenario", "run", tmp_path / "sc")
    assert run.code == 2
    assert ("字段 steps[0].expect.fired[0]：未知的规则（现行规则包中没有，或已停用） "
            "“ADM-LISTED”") in run.stderr
