"""`duty province compare|load|check` over three small counties, against golden files; the
outlier rule; the reference check; bad inputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataErrors, NotFoundError
from engine.province.counties import load_province
from engine.province.reference import load_reference
from engine.province.views import check, compare, load, outlier_threshold
from tests.conftest import run_cli


def _args(counties: list[Path]) -> list[str | Path]:
    return [a for c in counties for a in ("--county", c)]


def test_compare_matches_golden_and_finds_the_outlier(counties: list[Path], golden: Any) -> None:
    for fmt, ext in (("text", "txt"), ("json", "json"), ("svg", "svg")):
        run = run_cli("province", "compare", *_args(counties), "--format", fmt)
        assert run.code == 0 and run.stderr == "", run.stderr
        golden(f"province/compare.{ext}", run.stdout)
    data = json.loads(run_cli("province", "compare", *_args(counties), "-f", "json").stdout)
    assert data["outliers"] == ["north"]
    shares = {c["county"]: c["basic_share"] for c in data["counties"]}
    assert shares == {"east": 0.3077, "west": 0.3077, "north": 0.8}
    road = next(i for i in data["items"] if i["item"] == "CG-013")
    assert road["recalled_counties"] == ["east"] and road["cooperative_counties"] == ["west"]
    assert [p["county"] for p in road["placements"]] == ["east", "west"]  # north lacks it
    patrol = next(i for i in data["items"] if i["item"] == "CG-001")
    assert patrol["names"] == ["门前三包日常巡查", "门前三包责任区巡查"]
    assert patrol["basic_counties"] == ["east", "west", "north"]


def test_compare_chart_is_svg_marking_the_outlier(counties: list[Path]) -> None:
    svg = run_cli("province", "compare", *_args(counties), "-f", "svg").stdout
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = {g.get("data-county"): g.find("s:rect", ns).get("class")
            for g in root.iterfind("s:g", ns)}
    assert bars == {"east": "load", "west": "load", "north": "over"}


def test_outlier_rule() -> None:
    mid, mad, limit = outlier_threshold([0.40, 0.41, 0.39, 0.80], k=3, min_gap=0.05)
    assert (round(mid, 3), round(mad, 3)) == (0.405, 0.01)
    assert limit == pytest.approx(0.405 + 0.05)  # 3 × 1.4826 × 0.01 < the minimum gap
    _, _, limit = outlier_threshold([0.2, 0.3, 0.4, 0.5, 0.9], k=2, min_gap=0.0)
    assert limit == pytest.approx(0.4 + 2 * 1.4826 * 0.1)  # 0.6965: 0.9 is an outlier
    assert outlier_threshold([0.1, 0.9], k=3, min_gap=0.05)[2] is None  # too few to judge


def test_outlier_parameters_change_the_verdict(counties: list[Path]) -> None:
    province = load_province(counties)
    assert compare(province).outliers == ["north"]
    assert compare(province, min_gap=0.6).outliers == []  # north is 49 points above
    two = compare(load_province(counties[1:]))
    assert two.threshold is None and two.outliers == []


def test_load_matches_golden_and_the_staffing_report(counties: list[Path],
                                                       golden: Any) -> None:
    for fmt, ext in (("text", "txt"), ("json", "json"), ("svg", "svg")):
        run = run_cli("province", "load", *_args(counties), "--format", fmt)
        assert run.code == 0 and run.stderr == "", run.stderr
        golden(f"province/load.{ext}", run.stdout)
    report = load(load_province(counties))
    staffing = json.loads(run_cli("report", "staffing", "--county", counties[2],
                                  "-f", "json").stdout)
    north = report.counties[2]
    assert [(s.street, s.load_days, s.capacity_days) for s in north.streets] == [
        (s["street"], s["load_days"], s["capacity_days"]) for s in staffing["streets"]]
    assert north.load_days > report.counties[0].load_days  # the four patrols weigh


def test_check_against_the_bundled_reference(counties: list[Path], golden: Any) -> None:
    for fmt, ext in (("text", "txt"), ("json", "json")):
        run = run_cli("province", "check", *_args(counties), "--format", fmt)
        assert run.code == 1 and run.stderr == ""  # west still holds a recalled item
        golden(f"province/check.{ext}", run.stdout)
    catalogue, shown = load_reference()
    result = check(load_province(counties), catalogue, shown)
    status = {c.county: {f.reference: f.status for f in c.findings if f.items}
              for c in result.counties}
    assert status == {"east": {"R-01": "recalled"}, "west": {"R-01": "on_street_lists"},
                      "north": {}}
    west = result.counties[1].findings[0]
    assert west.holding[0].cooperative == ["S01", "S02", "S03", "S04"]
    run = run_cli("province", "check", *_args([counties[0], counties[2]]))
    assert run.code == 0
    assert run.stdout.endswith("检查通过：各县区的参考收回事项均不在街道清单上。\n")


def test_the_bundled_reference_has_a_source_on_every_row() -> None:
    catalogue, shown = load_reference()
    assert shown == "内置参考目录" and len(catalogue.items) >= 10
    assert all(r.source.startswith("《") and "第" in r.source for r in catalogue.items)


REFERENCE = """\
schema_version: 1
name: 某省收回事项清单
source: 某省公布的清单
items:
  - id: P-01
    name: 食品小经营店登记
    codes: [MZ-001]
    source: 某省文件第三条
"""


def test_a_province_file_names_its_counties_and_its_reference(counties: list[Path],
                                                              tmp_path: Path) -> None:
    (tmp_path / "province" / "ref.yaml").write_text(REFERENCE, encoding="utf-8")
    file = tmp_path / "province" / "province.yaml"
    file.write_text("schema_version: 1\nname: 某省\ncounties: [east, west, north]\n"
                    "reference: ref.yaml\n", encoding="utf-8")
    by_file = run_cli("province", "compare", "--province", file, "-f", "json")
    by_dirs = run_cli("province", "compare", *_args(counties), "-f", "json")
    assert by_file.code == 0
    assert json.loads(by_file.stdout) == {**json.loads(by_dirs.stdout), "province": "某省"}
    run = run_cli("province", "check", "--province", file, "-f", "json")
    data = json.loads(run.stdout)
    assert run.code == 1 and data["reference"] == "某省收回事项清单"
    held = [f for c in data["counties"] for f in c["findings"] if f["holding"]]
    assert len(held) == 3  # by name (食品小经营店登记) and by code (MZ-001)
    assert held[0]["items"] == ["SJ-001", "MZ-001"]  # in catalogue order


def test_a_missing_county_directory(counties: list[Path], tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        load_province([counties[0], tmp_path / "nowhere"])
    assert info.value.kind == "county" and info.value.name.endswith("nowhere")
    out = tmp_path / "out.txt"
    run = run_cli("province", "compare", *_args([counties[0], tmp_path / "nowhere"]),
                  "-o", out)
    assert run.code == 1 and run.stdout == "" and not out.exists()
    assert "E-NOTFOUND" in run.stderr and "Traceback" not in run.stderr


BAD_REFERENCE = """\
schema_version: 1
name: 有错的清单
source: 某市公布的清单
items:
  - id: X-01
    name: 城市道路临时占用许可
    source: 某市文件
  - id: X-01
    name: 户外广告设施设置审批
    source: 某市文件
  - id: X-03
    name: 公共场所卫生许可
    sorce: 某市文件
"""


def test_a_reference_file_with_errors(counties: list[Path], tmp_path: Path,
                                      golden: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_REFERENCE, encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_reference(bad)
    found = sorted((e.code, e.location.line, e.location.field) for e in info.value.errors)
    assert found[0][0] == "E-SCHEMA" and all(line for _, line, _ in found), found
    assert {(line, field) for _, line, field in found} >= {(13, "items[2].sorce")}
    bad.write_text(BAD_REFERENCE.replace("sorce", "source"), encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_reference(bad)
    dup = info.value.errors[0]
    assert (dup.code, dup.location.line, dup.location.field) == ("E-DUP", 8, "items[1].id")
    bad.write_text(BAD_REFERENCE, encoding="utf-8")
    run = run_cli("province", "check", *_args(counties), "--reference", bad)
    assert run.code == 1 and run.stdout == "" and "Traceback" not in run.stderr
    golden("province/bad-reference.txt", run.stderr)
    bad.write_text("- 不是映射\n", encoding="utf-8")
    run = run_cli("province", "check", *_args(counties), "--reference", bad)
    assert run.code == 1 and "[E-DATA]" in run.stderr and f"{bad}:1" in run.stderr
    golden("errors/province/reference-not-a-mapping.txt", run.stderr)


def test_usage_errors(counties: list[Path], tmp_path: Path, golden: Any) -> None:
    run = run_cli("province", "load")
    assert run.code == 2 and "E-USAGE" in run.stderr
    file = tmp_path / "p.yaml"
    file.write_text("schema_version: 1\nname: 某省\ncounties: [east]\n", encoding="utf-8")
    run = run_cli("province", "load", "--province", file, *_args(counties[:1]))
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "--province" in run.stderr
    golden("errors/province/province-and-counties-both.txt", run.stderr)
    twin = tmp_path / "again" / "east"
    twin.mkdir(parents=True)
    run = run_cli("province", "load", *_args([counties[0], twin]))
    assert run.code == 1 and "E-DUP" in run.stderr


def test_a_province_file_with_errors(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text("schema_version: 1\nname: 某省\ncounty: [east]\n", encoding="utf-8")
    run = run_cli("province", "compare", "--province", file)
    assert run.code == 1 and "p.yaml:3" in run.stderr and "county" in run.stderr
    file.write_text("schema_version: 1\nname: 某省\ncounties: [gone]\n", encoding="utf-8")
    run = run_cli("province", "compare", "--province", file)
    assert run.code == 1 and "gone" in run.stderr and "E-NOTFOUND" in run.stderr


def test_output_file_holds_what_the_screen_shows(counties: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "load.svg"
    run = run_cli("province", "load", *_args(counties), "-f", "svg", "-o", out)
    assert run.code == 0 and run.stdout == ""
    assert out.read_text(encoding="utf-8") == run_cli("province", "load", *_args(counties),
                                                      "-f", "svg").stdout
