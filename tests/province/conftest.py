"""Three small counties derived from the mini fixture, written into a temporary directory.

- ``east``: the mini county, with 城市道路临时占用许可 in its catalogue, recalled.
- ``west``: the same item on its streets' lists (cooperating), and 门前三包 under another name.
- ``north``: four more patrol items its streets take on as basic duties: far more handed to
  its streets than its peers.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini" / "county.yaml"

ROAD = {"id": "CG-013", "name": "城市道路临时占用许可", "department": "urban_management",
        "category": "specialist", "phases": ["discovery", "report"], "powers": [],
        "legal_basis": "《城市道路管理条例》第三十一条", "workload_days": 10}


def _write(directory: Path, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True)
    (directory / "county.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


@pytest.fixture
def counties(tmp_path: Path) -> list[Path]:
    mini = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    east = copy.deepcopy(mini)
    east["name"] = "东区"
    east["items"].append({**ROAD, "recalled": True})
    west = copy.deepcopy(mini)
    west["name"] = "西区"
    west["items"][0]["name"] = "门前三包责任区巡查"
    west["items"].append(ROAD)
    north = copy.deepcopy(mini)
    north["name"] = "北区"
    patrol = mini["items"][0]
    north["items"] += [{**patrol, "id": f"CG-10{i}", "name": f"{what}日常巡查"}
                       for i, what in enumerate(["背街小巷", "公共厕所", "绿地", "河道"], 1)]
    return [_write(tmp_path / "province" / name, data)
            for name, data in (("east", east), ("west", west), ("north", north))]
