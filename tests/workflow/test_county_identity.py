"""A store is bound to its county by the county's code (行政区划代码), not its name: another
county of the same name is refused, both named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, run_cli
from tests.workflow.conftest import Flow, _clean_environment


def _county(tmp: Path, name: str, code: str) -> Path:
    county = tmp / name
    shutil.copytree(MINI, county)
    path = county / "county.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: 测试区\n", f"name: 测试区\ncode: '{code}'\n", 1),
                    encoding="utf-8")
    return county


def test_another_county_of_the_same_name_is_refused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _clean_environment(monkeypatch)
    ours, other = _county(tmp_path, "ours", "110101"), _county(tmp_path, "other", "110102")
    db = tmp_path / "duty.db"
    assert run_cli("store", "init", "--county", ours, "--db", db, "--local").code == 0
    run = run_cli("proposal", "list", "--county", ours, "--db", db)
    assert run.code == 0, run.stderr
    run = run_cli("proposal", "list", "--county", other, "--db", db)
    assert run.code == 1 and "E-CONFLICT" in run.stderr
    assert "110101" in run.stderr and "110102" in run.stderr
    run = run_cli("proposal", "list", "--county", MINI, "--db", db)  # no code at all
    assert run.code == 1 and "E-CONFLICT" in run.stderr
    run = run_cli("lists", "build", "--county", other, "--db", db, "--street", "S01")
    assert run.code != 0 and "E-CONFLICT" in run.stderr and "E-INTERNAL" not in run.stderr
    assert run_cli("audit", "verify", "--db", db).code == 0


def test_a_code_must_have_six_digits(tmp_path: Path) -> None:
    county = _county(tmp_path, "bad", "11010")
    run = run_cli("report", "staffing", "--county", county)
    assert run.code == 1 and "code" in run.stderr


def _codeless(tmp: Path, name: str, streets: dict[str, str]) -> Path:
    """A copy of MINI (no code) whose streets are renamed: ``{old id: "NEW_ID NEW_NAME"}``,
    in every file of the directory."""
    import re

    import yaml

    county = tmp / name
    shutil.copytree(MINI, county)
    names = {s["id"]: s["name"] for s in yaml.safe_load(
        (county / "county.yaml").read_text(encoding="utf-8"))["streets"]}
    for path in county.rglob("*.yaml"):
        body = path.read_text(encoding="utf-8")
        for old, new in streets.items():
            new_id, new_name = new.split(" ")
            body = re.sub(rf"\b{old}\b", new_id, body).replace(names[old], new_name)
        path.write_text(body, encoding="utf-8")
    return county


def test_a_county_without_a_code_is_known_by_its_streets(flow: Flow, golden: Any) -> None:
    """No code: a revision that keeps one of the county's streets (same id, same name) is
    accepted; a county of the same name that shares none is refused, both named, by readers
    and writers alike, and nothing is written."""
    flow.token("department:fire_rescue")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.token("office"))
    revised = _codeless(flow.tmp, "revised", {"S04": "S04 南湖街道", "S03": "S09 北山街道"})
    other = _codeless(flow.tmp, "other", {"S01": "T01 城关镇", "S02": "T02 河西镇",
                                          "S03": "T03 新华镇", "S04": "T04 红星镇"})
    audit = flow.sql("SELECT COUNT(*) FROM duty_audit")
    for county in (other, revised):
        run = run_cli("proposal", "list", "--county", county, "--db", flow.db)
        if county == other:
            assert run.code == 1 and "[E-CONFLICT]" in run.stderr, run.stderr
            assert "东门街道（S01）" in run.stderr and "城关镇（T01）" in run.stderr
            golden("errors/workflow_county_identity/store-of-another-county.txt",
                   run.stderr.replace(flow.target_name, "<store>"))
            run = run_cli("lists", "build", "--county", other, "--db", flow.db,
                          "--street", "T01")
            assert run.code == 1 and "[E-CONFLICT]" in run.stderr, run.stderr
            assert "E-INTERNAL" not in run.stderr
            flow.run_county = other
            run = flow.run("submit", flow.file(id="P-OTHER"), actor="department:fire_rescue")
            assert run.code == 1 and "[E-CONFLICT]" in run.stderr, run.stderr
            assert flow.sql("SELECT COUNT(*) FROM duty_audit") == audit  # nothing written
            flow.monkeypatch.setenv("DUTY_TOKEN", flow.token("office"))
        else:
            assert run.code == 0, run.stderr
    # the ordinary revision is recorded by the next write, and the store stays bound to it
    flow.run_county = revised
    flow.submit(id="P-REVISED")
    actions = [a for (a,) in flow.sql("SELECT action FROM duty_audit ORDER BY seq")]
    assert actions[-3:] == ["county_revision", "draft", "submit"]
    run = run_cli("proposal", "list", "--county", other, "--db", flow.db)
    assert run.code == 1 and "[E-CONFLICT]" in run.stderr
    assert run_cli("audit", "verify", "--db", flow.db).code == 0
