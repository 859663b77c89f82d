"""Bad input to the importer: each a clear Chinese error with its code and the limit it hit,
checked before anything is expanded, and nothing written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.errors import DataError, LimitError
from engine.importing import reader
from engine.importing.catalogue import import_catalogue
from tests.conftest import run_cli

HEADER = ["清单", "事项名称", "主责部门", "履职领域", "街道职责", "依据", "经费（元）", "街道"]


def _refused(tmp_path: Path, book: Path, code: str) -> str:
    out = tmp_path / "out"
    run = run_cli("import", "catalogue", book, "-o", out)
    assert run.code == 1 and f"[{code}]" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and not out.exists()
    return run.stderr


def _small_book(path: Path, rows: int = 2) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "基本履职事项清单"
    ws.append(HEADER)
    for n in range(rows):
        ws.append(["基本", f"事项{n}", "区民政局", "民生服务", "服务", "《某法》", 0, "东门街道"])
    wb.save(path)
    return path


def _patched(book: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """The workbook with its first sheet's XML rewritten by ``edit``."""
    data = io.BytesIO()
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = edit(body)
            dst.writestr(info.filename, body)
    book.write_bytes(data.getvalue())
    return book


def test_not_a_list_at_all(tmp_path: Path) -> None:
    (tmp_path / "图片.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _refused(tmp_path, tmp_path / "图片.xlsx", "E-DATA")
    (tmp_path / "说明.csv").write_text("这不是清单\n只是几行字\n", encoding="utf-8")
    assert "不是事项清单" in _refused(tmp_path, tmp_path / "说明.csv", "E-IMPORT")


def test_an_empty_workbook(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "空.xlsx")
    assert "没有可导入的事项" in _refused(tmp_path, tmp_path / "空.xlsx", "E-IMPORT")


def test_a_50_mb_csv_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "大.csv"
    line = ("基本,事项,区民政局,民生服务,服务,《某法》,0,东门街道\n").encode()
    with path.open("wb") as f:
        f.write(",".join(HEADER).encode() + b"\n")
        block = line * (1 << 14)
        while f.tell() < 50 * 1024 * 1024:
            f.write(block)
    with pytest.raises(LimitError) as info:
        import_catalogue(path)
    assert info.value.code == "E-LIMIT"
    _refused(tmp_path, path, "E-LIMIT")


def test_a_zip_bomb_is_refused_by_its_expanded_size(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/worksheets/sheet1.xml", "w") as part:
        zeros = b"\x00" * (1 << 20)
        for _ in range(reader.MAX_EXPANDED // len(zeros) + 1):
            part.write(zeros)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(LimitError) as info:
        import_catalogue(path)
    assert info.value.limit == "max_expanded"
    _refused(tmp_path, path, "E-LIMIT")


def test_one_merged_range_over_the_whole_sheet(tmp_path: Path) -> None:
    """A small file whose one merged range covers every cell of a sheet: refused from what
    the sheet declares, before openpyxl or the reader expands it."""
    book = _patched(_small_book(tmp_path / "合并.xlsx"), lambda xml: xml.replace(
        b"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    assert book.stat().st_size < 10_000
    with pytest.raises(LimitError) as info:
        import_catalogue(book)
    assert info.value.limit == "max_merged"
    _refused(tmp_path, book, "E-LIMIT")


def test_too_many_cells(tmp_path: Path) -> None:
    cells = b"".join(b'<c r="A%d" t="n"><v>1</v></c>' % n for n in range(1, 1_000_100))
    book = _patched(_small_book(tmp_path / "格.xlsx"), lambda xml: xml.replace(
        b"</sheetData>", b"<row>" + cells + b"</row></sheetData>"))
    with pytest.raises(LimitError) as info:
        import_catalogue(book)
    assert info.value.limit == "max_cells"


def test_thousands_of_columns(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["事项名称", *(f"列{n}" for n in range(3000))])
    wb.save(tmp_path / "宽.xlsx")
    with pytest.raises(LimitError) as info:
        import_catalogue(tmp_path / "宽.xlsx")
    assert info.value.limit == "max_columns"
    _refused(tmp_path, tmp_path / "宽.xlsx", "E-LIMIT")
    (tmp_path / "宽.csv").write_text(",".join(["事项名称"] * 5000) + "\n", encoding="utf-8")
    _refused(tmp_path, tmp_path / "宽.csv", "E-LIMIT")


def test_a_cached_1e308_amount_is_an_error(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "配合履职事项清单"
    ws.append(HEADER)
    ws.append(["配合", "普查登记", "区统计局", "经济发展", "协助登记", "《统计法》", 1e308,
               "东门街道"])
    wb.save(tmp_path / "经费.xlsx")
    with pytest.raises(DataError) as info:
        import_catalogue(tmp_path / "经费.xlsx")
    assert info.value.code == "E-RANGE" and info.value.location.line == 2
    assert "超出范围" in _refused(tmp_path, tmp_path / "经费.xlsx", "E-RANGE")


def test_memory_running_out_is_e_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("engine.importing.catalogue.read_workbook", exhausted)
    book = _small_book(tmp_path / "a.xlsx")
    with pytest.raises(LimitError) as info:
        import_catalogue(book)
    assert info.value.limit == "memory"
    _refused(tmp_path, book, "E-LIMIT")
