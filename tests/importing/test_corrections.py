"""Corrections of single items (a mapping file's ``items``, as the web's import page keeps
them): the category, phases and field of work a person set replace what was inferred, the
report says so, the department's powers follow the corrected phases; the same through
``--map`` on the command line and through ``import_uploads`` (workbooks received whole)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.errors import DataError
from engine.importing.catalogue import import_catalogue, import_uploads
from engine.importing.columns import ItemFix, MapFile
from engine.loading.workspace import load_workspace
from tests.conftest import ROOT, run_cli

REAL = ROOT / "tests" / "data" / "real_rows"
NAME = "对擅自停用、拆除消防设施、器材的处罚"


def _load(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = tmp_path / "county"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load_workspace(root)


def _item_id() -> str:
    done = import_catalogue(REAL / "xian_quanze.csv")
    return next(ident for ident, name in _load_ids(done.files) if name == NAME)


def _load_ids(files: dict[str, str]) -> list[tuple[str, str]]:
    items = yaml.safe_load(files["items/catalogue.yaml"])["items"]
    return [(i["id"], i["name"]) for i in items]


def test_corrections_replace_the_inference_and_say_so(tmp_path: Path) -> None:
    ident = _item_id()
    mapping = MapFile(schema_version=1, values={"domain": {"消防": "平安法治"}},
                      items={ident: ItemFix(category="assisting",
                                            phases=["inspection", "penalty"], domain="消防")})
    raw = (REAL / "xian_quanze.csv").read_bytes()
    done = import_uploads([("xian_quanze.csv", raw)], mapping, None)
    county = _load(tmp_path, done.files).county
    item = county.items[ident]
    assert item.category == "assisting" and item.phases == ["inspection", "penalty"]
    assert item.domain == "平安法治"  # the corrected word mapped to the pack's
    assert "inspection" in county.departments[item.department].powers
    why = {(i.item, i.field): i.why for i in done.report.inferred}
    assert why[(ident, "phases")].startswith("按导入时的更正（原推断为处罚")
    assert why[(ident, "category")].startswith("按导入时的更正（原为专业管理")
    assert done.report.source == "xian_quanze.csv"  # named as received, no path


def test_the_command_line_takes_the_same_corrections(tmp_path: Path) -> None:
    ident = _item_id()
    (tmp_path / "map.yaml").write_text(yaml.safe_dump({
        "schema_version": 1, "items": {ident: {"phases": ["inspection"]}}},
        allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("import", "catalogue", REAL / "xian_quanze.csv", "--map",
                  tmp_path / "map.yaml", "-o", out)
    assert run.code == 0, run.stderr
    items = yaml.safe_load((out / "items" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert next(i for i in items["items"] if i["id"] == ident)["phases"] == ["inspection"]
    assert "按导入时的更正" in (out / "import-report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fix", [{"phases": []}, {"phases": ["flying"]},
                                 {"category": "其他"}, {"colour": "red"}])
def test_a_bad_correction_is_a_data_error(tmp_path: Path, fix: dict[str, object]) -> None:
    (tmp_path / "map.yaml").write_text(yaml.safe_dump({
        "schema_version": 1, "items": {"I-1": fix}}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError):
        import_catalogue(REAL / "xian_quanze.csv", map_path=tmp_path / "map.yaml")
    out = tmp_path / "out"
    run = run_cli("import", "catalogue", REAL / "xian_quanze.csv", "--map",
                  tmp_path / "map.yaml", "-o", out)
    assert run.code == 1 and "Traceback" not in run.stderr and not out.exists()


def test_several_workbooks_received_whole_read_as_a_folder(tmp_path: Path) -> None:
    """Two streets' workbooks uploaded together: one county, an item in both merged."""
    for street in ("S01", "S02"):
        run = run_cli("lists", "build", "--format", "xlsx", "--street", street, "-o",
                      tmp_path / f"{street}.xlsx")
        assert run.code == 0, run.stderr
    uploads = [(f"{s}.xlsx", (tmp_path / f"{s}.xlsx").read_bytes()) for s in ("S01", "S02")]
    done = import_uploads(uploads, None, ROOT / "duties" / "sample" / "county.yaml")
    assert done.report.source == "上传的工作簿" and done.report.items > 0
    assert any(i.field == "streets" and "2 个街道的工作簿" in i.why
               for i in done.report.inferred)
