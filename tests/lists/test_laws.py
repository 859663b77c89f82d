"""The law table: items citing a law no longer in force are flagged with its successor."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from engine.errors import DataErrors
from engine.lists.laws import law_problems, load_laws
from engine.loading.workspace import load_workspace
from engine.paths import duties_dir
from tests.conftest import MINI, run_cli, write_yaml


def _county(tmp_path: Path, basis: str, laws: list[dict[str, object]] | None = None) -> Path:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    data["items"][0]["legal_basis"] = basis
    write_yaml(county / "county.yaml", data)
    if laws is not None:
        write_yaml(county / "laws.yaml", {"schema_version": 1, "laws": laws})
    return county


def test_the_bundled_table_knows_the_replaced_laws() -> None:
    law = load_laws(None)["《中华人民共和国执业医师法》"]
    assert (law.repealed, law.replaced_by) == (date(2022, 3, 1), "《中华人民共和国医师法》")
    assert all(t.startswith("《") and t.endswith("》") for t in load_laws(None))
    assert (duties_dir() / "laws.yaml").is_file()


@pytest.mark.parametrize("basis", ["《中华人民共和国执业医师法》第十三条",
                                   "《执业医师法》第十三条"])
def test_an_item_citing_a_repealed_law_is_flagged_with_its_successor(
        tmp_path: Path, basis: str) -> None:
    ws = load_workspace(_county(tmp_path, basis))
    (problem,) = law_problems(ws, date(2026, 1, 1))
    item = next(iter(ws.county.items.values()))
    assert (problem.code, problem.item) == ("LAW-REPEALED", item.id)
    assert "2022-03-01" in problem.message and "《中华人民共和国医师法》" in problem.message
    assert law_problems(ws, date(2022, 2, 28)) == []  # still in force the day before
    run = run_cli("check", "--county", tmp_path / "county")
    assert run.code == 1 and "LAW-REPEALED" in run.stdout


def test_a_county_table_adds_and_replaces_entries(tmp_path: Path) -> None:
    county = _county(tmp_path, "《某县农村饮水管理办法》第三条", [
        {"title": "《某县农村饮水管理办法》", "issued": "2010-01-01", "in_force": "2010-03-01",
         "repealed": "2024-01-01"},
        {"title": "《中华人民共和国执业医师法》", "issued": "1998-06-26",
         "in_force": "1999-05-01"}])
    ws = load_workspace(county)
    (problem,) = law_problems(ws, date(2026, 1, 1))
    assert "《某县农村饮水管理办法》" in problem.message and "替代" not in problem.message
    assert load_laws(county)["《中华人民共和国执业医师法》"].repealed is None


def test_a_bad_table_is_located(tmp_path: Path) -> None:
    county = _county(tmp_path, "x", [{"title": "《甲法》", "issued": "2020-01-01",
                                      "in_force": "2019-01-01"}])
    with pytest.raises(DataErrors) as caught:
        load_laws(county)
    (error,) = caught.value.errors
    assert "laws.yaml" in str(error.location) and "in_force" in error.message
