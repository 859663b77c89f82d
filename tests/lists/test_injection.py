"""Formula injection: text that a spreadsheet could run comes back as inert text in CSV and
xlsx, whichever way the files are made."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from engine.graph import build_graph
from engine.importing.catalogue import import_catalogue
from engine.lists.build import build_lists
from engine.lists.plan import ListPlan
from engine.loading.workspace import Workspace, load_workspace
from engine.render import lists_stream
from engine.render.lists_files import render_lists, render_tree
from engine.render.lists_stream import lists_tree
from tests.conftest import MINI
from tests.reference_lists import encoded

STREET = "=1+1街道"  # nothing in it a format would quote or escape


def _poisoned() -> Workspace:
    """The mini county with formulas in an item's name, a basis, another name and a
    street's name, and a basis that is a formula behind a quote of its own."""
    ws = load_workspace(MINI)
    county = ws.county
    items = dict(county.items)
    items["CG-001"] = items["CG-001"].model_copy(update={"name": "=1+2",
                                                          "legal_basis": "'=3*2"})
    items["SJ-001"] = items["SJ-001"].model_copy(update={"legal_basis": "@SUM(A1)"})
    items["MZ-001"] = items["MZ-001"].model_copy(update={"name": "-2+3"})
    streets = dict(county.streets)
    streets["S01"] = streets["S01"].model_copy(update={"name": STREET})
    changed = county.model_copy(update={"items": items, "streets": streets})
    return Workspace(changed, ws.policy, build_graph(changed))


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return _poisoned()


def test_csv_cells_come_back_quoted(ws: Workspace) -> None:
    text = render_lists(build_lists(ws), ws.names, "csv")
    assert isinstance(text, str)
    found = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert {"'=1+2", "'@SUM(A1)", "'-2+3", "'" + STREET, "''=3*2"} <= set(found)
    assert not [c for c in found if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in found if c.startswith("-") and c != "-"]  # nothing starts so


@pytest.mark.parametrize("stencil", [2, 10**9])
def test_csv_files_one_at_a_time_are_the_same_bytes(ws: Workspace, stencil: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A street named like a formula is never put into a stencil unquoted."""
    monkeypatch.setattr(lists_stream, "STENCIL_CSV", stencil)
    tree = encoded(lists_tree(ListPlan(ws), ws.names, "csv"))
    assert tree == encoded(render_tree(build_lists(ws), ws.names, "csv"))
    rows = list(csv.reader(io.StringIO(tree["streets/S01.csv"].decode().lstrip("\ufeff"))))
    assert {tuple(r[:2]) for r in rows[1:]} == {("S01", "'" + STREET)}


def test_xlsx_cells_are_text_not_formulas(ws: Workspace) -> None:
    data = render_lists(build_lists(ws), ws.names, "xlsx")
    assert isinstance(data, bytes)
    wb = load_workbook(io.BytesIO(data))
    seen: dict[str, tuple[str, bool]] = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen[cell.value] = (cell.data_type, bool(cell.quotePrefix))
    for text in ("=1+2", "@SUM(A1)", "-2+3", STREET):
        assert seen[text] == ("s", True), text  # the text itself, marked as typed text
    assert seen["'=3*2"] == ("s", False)  # its own quote is text, as written
    # no quote added anywhere in the workbook
    assert not any(v.startswith("'") for v in seen if v != "'=3*2")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_text_imports_back_as_written(ws: Workspace, tmp_path: Path, fmt: str) -> None:
    book = tmp_path / f"lists.{fmt}"
    data = render_lists(build_lists(ws), ws.names, fmt, with_rules=True)
    book.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    files = import_catalogue(book).files
    items = {i["id"]: i for path, text in files.items() if path.startswith("items/")
             for i in yaml.safe_load(text)["items"]}
    assert items["CG-001"]["name"] == "=1+2" and items["MZ-001"]["name"] == "-2+3"
    assert items["SJ-001"]["legal_basis"] == "@SUM(A1)"
    assert items["CG-001"]["legal_basis"] == "'=3*2"
    county = yaml.safe_load(files["county.yaml"])
    assert STREET in {s["name"] for s in county["streets"]}
