"""Real layouts without a map: a city's 权责清单, a district's 政务服务事项目录, per-street
workbooks and a folder of them; phases read from the power type, the name and the first
clause (procedure words are not powers); one error per sheet with a mapping stub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.importing.catalogue import ImportFailed, import_catalogue
from engine.importing.infer import infer_phases, name_phase
from engine.loading.workspace import load_workspace
from tests.conftest import ROOT, run_cli

REAL = ROOT / "tests" / "data" / "real_rows"


def _written(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = tmp_path / "written"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load_workspace(root)


def test_a_city_quanze_list_imports_as_a_catalogue(tmp_path: Path) -> None:
    """服务事项 / 权力类型 / 行驶主体 / 实施依据 / 责任事项: recognised with no map; no list
    column and no street: every row an item its department keeps, on no street's list."""
    done = import_catalogue(REAL / "xian_quanze.csv")
    report = done.report
    assert report.items == 24 and report.lists["kept"] == 24 and not report.rows_skipped()
    assert "items/catalogue.yaml" in done.files
    ws = _written(tmp_path, done.files)
    county = ws.county
    assert not county.streets
    items = {i.name: i for i in county.items.values()}
    fire = items["对擅自停用、拆除消防设施、器材的处罚"]
    assert fire.phases == ["penalty"] and fire.streets == [] and fire.category == "specialist"
    assert county.departments[fire.department].name == "市公安局"
    assert "penalty" in county.departments[fire.department].powers  # its department's powers
    assert items["国有建设用地使用权首次登记"].phases == ["confirmation"]
    assert items["对兽药的监督检查"].phases == ["inspection"]
    water = items["对拒不缴纳水土保持补偿费行为的处罚"]
    assert "(2010修订)" in water.legal_basis and "&#40;" not in water.legal_basis
    assert any(c.what == "HTML 字符实体" and c.column == "实施依据" for c in report.cleaned)
    assert {"xian_quanze：承办机构", "xian_quanze：监管电话"} <= set(report.ignored_columns)
    why = {i.item: i.why for i in report.inferred if i.field == "phases"}
    assert why[fire.id] == "由权力类型“行政处罚”推断（处罚）"
    codes = {p.code for p in report.check.problems}
    assert "POWER-NOT-HELD" not in codes and report.check.loads


def test_a_service_catalogue_is_never_report_only(tmp_path: Path) -> None:
    done = import_catalogue(REAL / "guangan_service.csv")
    county = _written(tmp_path, done.files).county
    phases = [i.phases for i in county.items.values()]
    assert len(phases) == 64 and ["report"] not in phases
    names = {i.name: i.phases for i in county.items.values()}
    assert names["招生考试政策咨询"] == ["service"]  # 公共服务
    assert names["慈善组织认定"] == ["confirmation"]  # 行政确认


def quanze_workbook(path: Path) -> Path:
    """A department's 权责清单 as an xlsx: a title row, 职权名称 / 职权类型 / 行使主体 headers,
    a merged department cell and an empty 实施依据."""
    wb = Workbook()
    ws = wb.active
    ws.title = "权责清单"
    ws.append(["某县民政局权责清单"])
    ws.append(["序号", "职权名称", "职权类型", "行使主体", "实施依据", "责任事项", "追责情形"])
    ws.append([1, "社会团体成立登记", "行政确认", "县民政局", "《社会团体登记管理条例》",
               "1.受理责任：公示应当提交的材料。2.审查责任：按程序审批。", ""])
    ws.append([2, "对社会组织的年度检查", "行政检查", "", "", "1.检查责任：制定检查方案。", ""])
    ws.merge_cells("D3:D4")
    ws.append([3, "临时救助金给付", "", "县民政局", "《社会救助暂行办法》",
               "1.受理阶段责任：受理申请，负责人审批后发放。", ""])
    wb.save(path)
    return path


def test_a_quanze_workbook_with_an_empty_basis(tmp_path: Path) -> None:
    book = quanze_workbook(tmp_path / "民政局.xlsx")
    out = tmp_path / "county"
    run = run_cli("import", "catalogue", book, "-o", out)
    assert run.code == 0, run.stderr
    county = load_workspace(out).county
    items = {i.name: i for i in county.items.values()}
    assert items["社会团体成立登记"].phases == ["confirmation"]
    check = items["对社会组织的年度检查"]
    assert check.phases == ["inspection"] and check.legal_basis == ""  # stays empty
    assert items["临时救助金给付"].phases == ["service"]  # 给付: a service, not a licence
    result = json.loads(run_cli("check", "--county", out, "--format", "json").stdout)
    missing = [p for p in result["problems"] if p["code"] == "BASIS-MISSING"]
    assert [p["item"] for p in missing] == [check.id]


@pytest.mark.parametrize(("name", "duty", "expected"), [
    # procedure words are not powers
    ("某事项", "1.调查阶段责任：调查终结后提出拟办意见，并按程序审批。", ["service"]),
    ("某事项", "决定阶段：报部门负责人审批；作出决定前进行法制审核。", ["service"]),
    ("某事项", "执行阶段：逾期不履行的，申请人民法院强制执行。", ["service"]),
    ("某事项", "听证：做出吊销许可证的决定前告知听证权利。", ["service"]),
    # the first clause decides, not a word further on
    ("某事项", "组织日常巡查；发现问题依法处罚。", ["patrol"]),
    # service verbs
    ("某事项", "受理居民的申领，按月发放", ["service"]),
    ("某事项", "为居民出具证明", ["confirmation"]),
])
def test_a_kept_item_without_a_type_is_read_from_its_first_clause(
        name: str, duty: str, expected: list[str]) -> None:
    phases, why = infer_phases([("职责文字", duty)], "kept", "", name)
    assert phases == expected, why
    assert "报告" not in why or expected != ["report"]


@pytest.mark.parametrize(("name", "phase"), [
    ("对未依法取得公共场所卫生许可证擅自营业的处罚", "penalty"),  # the head decides
    ("因建设需要必须拆迁、改建、封闭环境卫生设施的审批", "licensing"),
    ("食品经营许可证核发", "licensing"),
    ("企业职工参保登记", "confirmation"),
    ("医保电子凭证申领", "service"),
    ("生育津贴支付", "service"),
    ("拖拉机/联合收割机转入", None),  # no word: the duty text or the fallback decides
    ("一次性工伤医疗补助金申请", "service"),
    ("对兽药的监督检查", "inspection"),
    ("医疗机构执业审批（新办）（县级）", "licensing"),
])
def test_the_head_of_a_name(name: str, phase: str | None) -> None:
    found = name_phase(name)
    assert (found[0] if found else None) == phase


def test_power_type_comes_first() -> None:
    phases, why = infer_phases([("职责文字", "负责巡查")], "kept", "行政许可", "某某登记")
    assert phases == ["licensing"] and "权力类型“行政许可”" in why
    phases, _ = infer_phases([], "kept", "其他行政权力", "某某登记")
    assert phases == ["confirmation"]  # a type naming no phase: the name decides
    phases, why = infer_phases([], "kept", "", "某某工作")
    assert phases == ["service"] and "报告" not in why  # kept: never falls back to 报告


def test_a_sheet_level_problem_is_one_error_with_a_map_stub(tmp_path: Path,
                                                             golden: Any) -> None:
    """Known headers but no item-name column: one error naming the unrecognised headers,
    not one per row; the CLI writes a mapping stub and no county."""
    wb = Workbook()
    ws = wb.active
    ws.append(["部门", "办事项目", "类型说明"])
    for n in range(1135):
        ws.append(["区民政局", f"项目{n}", "公共服务"])
    wb.save(tmp_path / "目录.xlsx")
    with pytest.raises(ImportFailed) as info:
        import_catalogue(tmp_path / "目录.xlsx")
    assert len(info.value.errors) == 1 and info.value.code == "E-IMPORT"
    hint = info.value.errors[0].hint or ""
    assert "办事项目" in hint and "类型说明" in hint
    assert hint.index("办事项目") < hint.index("类型说明")  # in the order of the sheet
    golden("errors/importing_real_layouts/no-item-name-column.txt", info.value.render() + "\n")
    assert info.value.map_stub is not None and '"办事项目": ignore' in info.value.map_stub
    out = tmp_path / "out"
    run = run_cli("import", "catalogue", tmp_path / "目录.xlsx", "-o", out)
    assert run.code == 1 and run.stderr.count("[E-IMPORT]") == 1
    assert (out / "import-map.yaml").is_file() and not (out / "county.yaml").exists()
    stub = (out / "import-map.yaml").read_text(encoding="utf-8").replace(
        '"办事项目": ignore', '"办事项目": name').replace('"类型说明": ignore',
                                                      '"类型说明": power_type')
    (tmp_path / "map.yaml").write_text(stub, encoding="utf-8")
    run = run_cli("import", "catalogue", tmp_path / "目录.xlsx", "--map", tmp_path / "map.yaml",
                  "-o", out)
    assert run.code == 0, run.stderr
    assert "已导入 1135 项事项" in run.stdout


def test_map_values(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "清单,事项名称,主责部门,履职领域,街道职责,依据,街道\n"
        "基本,文体活动组织,区文旅局,文化体育,组织活动,《公共文化服务保障法》,东门街道\n",
        encoding="utf-8")
    (tmp_path / "map.yaml").write_text(
        "schema_version: 1\nvalues:\n  domain:\n    文化体育: 民生服务\n", encoding="utf-8")
    done = import_catalogue(tmp_path / "a.csv", map_path=tmp_path / "map.yaml")
    assert done.report.proposed_domains == []
    assert "domain: 民生服务" in done.files["items/basic.yaml"]


def _street_books(tmp_path: Path) -> Path:
    folder = tmp_path / "streets"
    folder.mkdir()
    for sid in ("S01", "S02"):
        run = run_cli("lists", "build", "--street", sid, "--format", "xlsx",
                      "-o", folder / f"{sid}.xlsx")
        assert run.code == 0, run.stderr
    return folder


def test_a_street_workbook_imports_as_that_street(tmp_path: Path) -> None:
    folder = _street_books(tmp_path)
    done = import_catalogue(folder / "S01.xlsx")
    county = _written(tmp_path, done.files).county
    assert [s.name for s in county.streets.values()] == ["解放路街道"]
    assert done.report.lists["basic"] > 0 and not done.report.rows_skipped()


def test_a_folder_of_street_workbooks_is_one_county(tmp_path: Path) -> None:
    folder = _street_books(tmp_path)
    out = tmp_path / "county"
    run = run_cli("import", "catalogue", folder, "-o", out)
    assert run.code == 0, run.stderr
    county = load_workspace(out).county
    assert sorted(s.name for s in county.streets.values()) == ["人民路街道", "解放路街道"]
    sample = load_workspace().county
    both = [i for i in sample.items.values()
            if {"S01", "S02"} <= set(sample.listed_on(i)) and not i.recalled]
    names = {i.name: i for i in county.items.values()}
    shared = names[both[0].name]
    assert shared.streets == "all"  # one catalogue item for both streets
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    merged = [i for i in report["inferred"] if i["field"] == "streets"]
    assert merged and "2 个街道的工作簿" in merged[0]["why"]


def test_the_real_rows_benchmark_reaches_its_targets() -> None:
    from bench.import_real import TARGET_FOUND, TARGET_REPORT, measure

    figures = measure()
    assert figures["found"] >= TARGET_FOUND and figures["found_held_out"] >= TARGET_FOUND
    assert figures["report_only_service"] <= TARGET_REPORT


def test_powers_not_held_only_for_items_handed_to_streets(tmp_path: Path) -> None:
    """A licence the department keeps raises nothing; the same licence put on a street's list
    is POWER-NOT-HELD, citing the 行政许可法, not the penalty law."""
    county = ROOT / "duties" / "sample" / "county.yaml"
    (tmp_path / "目录.csv").write_text(
        "部门,事项名称,事项类型,实施依据\n区人力资源和社会保障局,人力资源服务许可,行政许可,《养老机构管理办法》\n",
        encoding="utf-8")
    kept = import_catalogue(tmp_path / "目录.csv", county_file=county).report
    assert kept.lists["kept"] == 1
    assert "POWER-NOT-HELD" not in {p.code for p in kept.check.problems}
    (tmp_path / "清单.csv").write_text(
        "清单,事项名称,主责部门,权力类型,依据,街道\n"
        "基本,人力资源服务许可,区人力资源和社会保障局,行政许可,《养老机构管理办法》,解放路街道\n",
        encoding="utf-8")
    listed = import_catalogue(tmp_path / "清单.csv", county_file=county).report
    held = [p for p in listed.check.problems if p.code == "POWER-NOT-HELD"]
    assert len(held) == 1 and "行政许可法" in held[0].basis and "行政处罚法" not in held[0].basis


def test_a_street_named_in_the_title_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "基本履职事项清单"
    ws.append(["东门街道履行职责事项清单"])
    ws.append(["序号", "事项名称", "主责部门", "乡镇（街道）职责", "依据"])
    ws.append([1, "门前三包巡查", "区城市管理局", "日常巡查，发现问题劝阻", "《条例》"])
    wb.save(tmp_path / "东门.xlsx")
    done = import_catalogue(tmp_path / "东门.xlsx")
    county = _written(tmp_path, done.files).county
    assert [s.name for s in county.streets.values()] == ["东门街道"]
    assert done.report.lists == {"basic": 1, "cooperative": 0, "recalled": 0}
