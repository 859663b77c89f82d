"""Importing a county's lists from workbooks built here: three layouts, messy headers, merged
cells, blank rows, a bad row and duplicate names; the report; nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.errors import DataErrors
from engine.importing.catalogue import import_catalogue, stable_id
from engine.loading.workspace import load_workspace
from engine.outdir import MARKER
from tests.conftest import MINI, run_cli

BASIC = [
    ("党的建设", "区民政局", "居（村）民委员会换届选举指导", "组织换届选举，做好选民登记和宣传",
     "《村民委员会组织法》第十一条", "解放路街道"),
    ("民生服务", "区民政局", "高龄津贴申领服务", "受理申请、上门核实并代办", "《老年人权益保障法》",
     "解放路街道"),
    ("民生服务", "区民政局", "高龄津贴申领服务", "受理申请、上门核实并代办", "《老年人权益保障法》",
     "东门街道"),
    ("城乡建设", "区城市管理局", "门前三包日常巡查", "日常巡查，发现问题劝阻并上报",
     "《城市市容和环境卫生管理条例》第十条", "解放路街道"),
]
COOPERATIVE = [
    ("平安法治", "区消防救援大队", "“九小场所”消防监督检查", "负责监督检查和行政处罚",
     "日常巡查，发现隐患及时报告", "《消防法》第五十三条", "解放路街道"),
    ("经济发展", "区统计局", "经济普查现场登记", "组织普查、审核数据",
     "协助入户登记", "《统计法》", "解放路街道"),
]
RECALLED = [
    ("经济发展", "区市场监督管理局", "小餐饮经营许可核发", "区市场监督管理局",
     "由区市场监督管理局审批窗口直接办理", "《食品安全法》第三十五条", "解放路街道"),
]


def per_list_workbook(path: Path) -> Path:
    """One sheet per list, the way a county office keeps them: a title row, headers with
    spaces, line breaks and asterisks, merged cells, blank rows, a bad row and a duplicate."""
    wb = Workbook()
    ws = wb.active
    ws.title = "基本履职事项清单"
    ws.append(["解放路街道、东门街道基本履职事项清单"])
    ws.merge_cells("A1:G1")
    ws.append(["序　号", "履职\n领域", " 主责部门* ", "事项名称（必填）", "乡镇（街道）职责",
               "依  据", "乡镇（街道）", "备注"])
    for n, (domain, dept, name, duty, basis, street) in enumerate(BASIC, 1):
        ws.append([n, domain, dept, name, duty, basis, street, ""])
    ws.merge_cells("C3:C5")  # one department written once over three rows (C4, C5 cleared)
    ws.append([])  # a blank row
    ws.append([5, "民生服务", "区民政局", "高龄津贴申领服务", "重复录入", "《老年人权益保障法》",
               "解放路街道", ""])  # the same item twice for one street
    ws.append([6, "文体娱乐", "区文旅局", "群众文体活动组织", "组织活动", "—", "解放路街道", ""])
    ws.append([7, "民生服务", "", "", "", "", "", "无名称的行"])

    co = wb.create_sheet("配合履职事项清单")
    co.append(["序号", "履职领域", "对应上级部门", "事项名称", "上级部门职责",
               "乡镇（街道）配合职责", "依据", "乡镇（街道）"])
    for n, row in enumerate(COOPERATIVE, 1):
        co.append([n, *row])
    co.append([3, "平安法治", "区消防救援大队", "火灾隐患整改督促", "", "配合督促整改",
               "《消防法》", "解放路街道"])

    rc = wb.create_sheet("上级部门收回事项清单")
    rc.append(["序号", "履职领域", "原主责部门", "事项名称", "承接部门", "工作方式", "依据",
               "乡镇（街道）"])
    for n, (domain, dept, name, takeover, method, basis, street) in enumerate(RECALLED, 1):
        rc.append([n, domain, dept, name, takeover, method, basis, street])
    wb.save(path)
    return path


def one_sheet_workbook(path: Path) -> Path:
    """Every list on one sheet, with a list column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["清单类别", "事项名称", "主责部门", "履职领域", "街道职责", "依据", "街道"])
    for domain, dept, name, duty, basis, street in BASIC:
        ws.append(["基本履职事项", name, dept, domain, duty, basis, street])
    for domain, dept, name, _, duty, basis, street in COOPERATIVE:
        ws.append(["配合履职事项", name, dept, domain, duty, basis, street])
    ws.append(["其他", "无法归类的事项", "区民政局", "民生服务", "", "", "解放路街道"])
    wb.save(path)
    return path


def bom_csv(path: Path) -> Path:
    lines = ["清单,事项名称,主责部门,履职领域,乡镇（街道）职责,依据,经费（元）,乡镇（街道）"]
    for domain, dept, name, duty, basis, street in BASIC[:2]:
        lines.append(f"基本,{name},{dept},{domain},\"{duty}\",{basis},0,{street}")
    lines.append("配合,经济普查现场登记,区统计局,经济发展,协助入户登记,《统计法》,\"12,000\","
                 "解放路街道")
    lines.append("配合,人口抽样调查,区统计局,经济发展,协助调查,《统计法》,若干,解放路街道")
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    return path


def test_one_sheet_per_list(tmp_path: Path) -> None:
    done = import_catalogue(per_list_workbook(tmp_path / "清单.xlsx"))
    report = done.report
    assert report.lists == {"basic": 4, "cooperative": 3, "recalled": 1}
    skipped = [(s.sheet, s.row, s.column) for s in report.rows_skipped()]
    assert skipped == [("基本履职事项清单", 8, "事项名称（必填）"),
                       ("基本履职事项清单", 10, "事项名称（必填）")]
    assert "重复" in report.skipped[0].reason and "第 4 行" in report.skipped[0].reason
    assert report.check.loads and report.ignored_columns == ["基本履职事项清单：备注"]
    # a field of work outside the pack's seven comes in as written and is proposed
    assert report.proposed_domains == ["文体娱乐"]
    assert "policy/import-domains.yaml" in done.files
    county = _written(tmp_path, done.files)
    assert {i.name: i.domain for i in county.items.values()}["群众文体活动组织"] == "文体娱乐"
    items = {i.name: i for i in county.items.values()}
    merged = items["高龄津贴申领服务"]  # the department came from the merged cell
    assert county.departments[merged.department].name == "区民政局"
    assert merged.streets == "all" and merged.domain == "民生服务"
    assert merged.phases == ["service"] and merged.category == "comprehensive"
    assert items["门前三包日常巡查"].phases == ["patrol", "discovery", "dissuasion", "report"]
    assert items["门前三包日常巡查"].streets == [stable_id("S", "解放路街道")]
    fire = items["“九小场所”消防监督检查"]
    assert (fire.category, fire.department_duty, fire.street_duty) == (
        "specialist", "负责监督检查和行政处罚", "日常巡查，发现隐患及时报告")
    assert fire.phases == ["patrol", "discovery", "report"]
    assert items["经济普查现场登记"].category == "assisting"  # the street assists
    food = items["小餐饮经营许可核发"]
    assert food.recalled and food.phases == ["licensing"]
    assert county.departments[food.takeover].name == "区市场监督管理局"
    assert food.method == "由区市场监督管理局审批窗口直接办理"
    assert food.legal_basis == "《食品安全法》第三十五条"
    assert {s.name: s.kind for s in county.streets.values()} == {"解放路街道": "street",
                                                                 "东门街道": "street"}
    created = {(c.kind, c.name) for c in report.created}
    assert ("department", "区消防救援大队") in created and ("street", "东门街道") in created
    inferred = {(i.item, i.field): i.value for i in report.inferred}
    assert inferred[(fire.id, "category")] == "specialist"
    assert inferred[(food.id, "phases")] == "licensing"
    assert all(i.why for i in report.inferred)


def test_ids_are_stable_across_imports(tmp_path: Path) -> None:
    book = per_list_workbook(tmp_path / "a.xlsx")
    first = import_catalogue(book).files
    assert import_catalogue(book).files == first
    assert stable_id("I", "门前三包日常巡查") == stable_id("I", "门前三包日常巡查")
    assert stable_id("I", "门前三包日常巡查") != stable_id("I", "门前三包日常巡查 ")


def test_one_sheet_with_a_list_column(tmp_path: Path) -> None:
    done = import_catalogue(one_sheet_workbook(tmp_path / "一表.xlsx"))
    assert done.report.lists == {"basic": 3, "cooperative": 2, "recalled": 0}
    assert [(s.row, s.column) for s in done.report.rows_skipped()] == [(8, "清单类别")]
    county = _written(tmp_path, done.files)
    assert len(county.items) == 5


def test_csv_with_a_bom(tmp_path: Path) -> None:
    done = import_catalogue(bom_csv(tmp_path / "清单.csv"))
    assert done.report.lists == {"basic": 2, "cooperative": 1, "recalled": 0}
    bad = done.report.rows_skipped()
    assert [(s.sheet, s.row, s.column) for s in bad] == [("清单", 5, "经费（元）")]
    county = _written(tmp_path, done.files)
    census = next(i for i in county.items.values() if i.name == "经济普查现场登记")
    assert census.funding == 12000 and census.category == "assisting"


def test_a_mapping_file_overrides_the_headers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["工作事项", "责任单位", "所在镇街"])
    ws.append(["河道保洁巡查", "区水利局", "柳林镇"])
    wb.save(tmp_path / "本地.xlsx")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("schema_version: 1\ncolumns: {工作事项: name, 责任单位: department, "
                       "所在镇街: street}\nsheets: {表1: basic}\n", encoding="utf-8")
    done = import_catalogue(tmp_path / "本地.xlsx", map_path=mapping)
    county = _written(tmp_path, done.files)
    item = next(iter(county.items.values()))
    assert (item.name, item.phases) == ("河道保洁巡查", ["patrol"])
    assert next(iter(county.streets.values())).kind == "town"


def test_matching_to_a_county_file(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "配合履职事项"
    ws.append(["事项名称", "对应上级部门", "乡镇（街道）职责", "街道"])
    ws.append(["食品摊贩巡查", "区市场监督管理局", "巡查并报告", "东门街道"])
    wb.save(tmp_path / "b.xlsx")
    done = import_catalogue(tmp_path / "b.xlsx", county_file=MINI / "county.yaml")
    assert done.report.created == []
    county = _written(tmp_path, done.files)
    item = next(iter(county.items.values()))
    assert item.department == "market_regulation" and item.streets == ["S01"]
    assert len(county.streets) == 4  # the county file's streets, all kept


def test_an_unreadable_workbook_writes_nothing(tmp_path: Path, golden: Any) -> None:
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    run = run_cli("import", "catalogue", tmp_path / "坏.xlsx", "-o", tmp_path / "out")
    assert run.code == 1 and "[E-DATA]" in run.stderr and "坏.xlsx" in run.stderr
    golden("errors/importing_catalogue/unreadable-workbook.txt", run.stderr)
    assert not (tmp_path / "out").exists()
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    run = run_cli("import", "catalogue", tmp_path / "x.txt", "-o", tmp_path / "out")
    assert run.code == 1 and "[E-FILETYPE]" in run.stderr


def test_a_workbook_with_no_list_writes_nothing(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "通讯录.xlsx")
    with pytest.raises(DataErrors) as info:
        import_catalogue(tmp_path / "通讯录.xlsx")
    assert info.value.code == "E-IMPORT"
    run = run_cli("import", "catalogue", tmp_path / "通讯录.xlsx", "-o", tmp_path / "out")
    assert run.code == 1 and not (tmp_path / "out").exists()


def test_unknown_sheet(tmp_path: Path, golden: Any) -> None:
    book = per_list_workbook(tmp_path / "a.xlsx")
    run = run_cli("import", "catalogue", book, "--sheet", "配合履职事项", "-o", tmp_path / "o")
    assert run.code == 1 and "[E-NOTFOUND]" in run.stderr
    assert "“配合履职事项”" in run.stderr and "“配合履职事项清单”" in run.stderr
    golden("errors/importing_catalogue/unknown-sheet.txt", run.stderr)


def test_import_through_the_cli(tmp_path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    book = per_list_workbook(tmp_path / "清单.xlsx")
    out = tmp_path / "county"
    run = run_cli("import", "catalogue", book, "-o", out)
    assert run.code == 0, run.stderr
    assert run.stdout == ("已导入 8 项事项（基本履职 4、配合履职 3、上级部门收回 1），"
                          "推断字段 27 处，新建部门和街道 8 个。\n")
    assert " 2 " in run.stderr and str(out / "import-report.md") in run.stderr
    golden("errors/importing_catalogue/rows-not-imported.txt", run.stderr)
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER, "county.yaml", "import-report.json", "import-report.md", "items", "policy"]
    golden("importing/report.md", (out / "import-report.md").read_text(encoding="utf-8"))
    golden("importing/report.json", (out / "import-report.json").read_text(encoding="utf-8"))
    data = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert data["check"]["loads"] is True
    check = run_cli("check", "--county", out, "--format", "json")
    assert json.loads(check.stdout)["clean"] is data["check"]["clean"]
    assert run_cli("import", "catalogue", book, "-o", out).code == 0  # its own directory again


def _written(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = tmp_path / "written"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load_workspace(root).county


ROUND_TRIP_FIELDS = ("name", "department", "category", "legal_basis", "funding", "streets",
                     "recalled")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_lists_workbook_imports_back_to_the_same_catalogue(tmp_path: Path,
                                                               fmt: str) -> None:
    """What `duty lists build --format xlsx|csv --with-rules` writes (the catalogue codes
    included) comes back as the catalogue it was built from: the same items, owners,
    categories, bases, funds, streets and recalls. The list layout shows the street's phases
    only, so those are what come back: all of them for a comprehensive item, never one the
    item does not have. The CSV's rows of items a street does not have (清单 “不适用”) are
    not item rows and are passed over."""
    book = tmp_path / f"lists.{fmt}"
    assert run_cli("lists", "build", "--format", fmt, "--with-rules", "-o", book).code == 0
    out = tmp_path / "county"
    from tests.conftest import ROOT

    run = run_cli("import", "catalogue", book, "--county-file",
                  ROOT / "duties" / "sample" / "county.yaml", "-o", out)
    assert run.code == 0, run.stderr
    original = load_workspace().county.items
    imported = load_workspace(out).county.items
    assert set(imported) == set(original)
    for item_id, item in original.items():
        back = imported[item_id]
        assert [getattr(back, f) for f in ROUND_TRIP_FIELDS] == [
            getattr(item, f) for f in ROUND_TRIP_FIELDS], item_id
        if item.category == "comprehensive":
            assert back.phases == item.phases, item_id
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert report["created"] == [] and report["check"]["clean"]
    assert not (out / "import-map.yaml").exists()  # every header of its own is known
    assert [s for s in report["skipped"] if s["row"] is not None] == []


def test_the_lists_workbook_without_a_county_file(tmp_path: Path) -> None:
    """Without a county file the owners come from the departments' own sheets (not from the
    unit leading a row), and every department and street is created from its name."""
    book = tmp_path / "lists.xlsx"
    assert run_cli("lists", "build", "--format", "xlsx", "--with-rules", "-o", book).code == 0
    done = import_catalogue(book)
    county = _written(tmp_path, done.files)
    original = load_workspace().county
    names = {d.id: d.name for d in original.departments.values()}
    assert {i.id: county.departments[i.department].name for i in county.items.values()} == {
        i.id: names[i.department] for i in original.items.values()}
    assert sorted(s.name for s in county.streets.values()) == sorted(
        s.name for s in original.streets.values())
    assert done.report.check.loads and done.report.rows_skipped() == []
