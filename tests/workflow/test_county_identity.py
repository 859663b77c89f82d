"""A store is bound to its county by the county's code (行政区划代码), not its name: another
county of the same name is refused, both named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI, run_cli
from tests.workflow.conftest import _clean_environment


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
