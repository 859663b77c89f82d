"""Building the lists: every item once per street, one lead per cooperating row, who pays."""

from __future__ import annotations

import csv
import io
import json
import weakref
from pathlib import Path
from typing import Any

import pytest

from engine.lists.build import build_lists
from engine.loading.workspace import load_workspace
from engine.outdir import MARKER
from tests.conftest import MINI, run_cli


@pytest.fixture(scope="module")
def sample() -> Any:
    ws = load_workspace()
    return ws, build_lists(ws)


def test_every_item_once_per_street_in_exactly_one_place(sample: Any) -> None:
    ws, lists = sample
    for s in lists.streets:
        placed = [r.item for r in (*s.basic, *s.cooperative, *s.recalled)]
        absent = [n.item for n in s.not_applying]
        assert len(placed) == len(set(placed))
        assert sorted(placed + absent) == sorted(ws.county.items)
        assert all(n.reason for n in s.not_applying)


def test_rows_follow_the_assignment_rules(sample: Any) -> None:
    ws, lists = sample
    for s in lists.streets:
        assert all(r.primary and r.primary.kind == "street" and r.category == "comprehensive"
                   for r in s.basic)
        for r in s.cooperative:
            assert r.primary is not None and r.primary.kind in ("department", "unit")
            assert [p.kind for p in r.cooperating] == ["street"]  # exactly one lead
            assert r.task.startswith("配合")
        for r in s.cooperative:
            if r.category == "assisting":
                assert r.funding.follows and r.funding.payer == r.department
        assert all(ws.county.items[r.item].recalled for r in s.recalled)


def test_department_ledger_adds_up(sample: Any) -> None:
    _, lists = sample
    for d in lists.departments:
        assert d.funding_total == sum(d.funding_owed.values())
        assert d.funding_total == sum(i.funding_total for i in d.items)


@pytest.mark.parametrize(("args", "name"), [
    (["--street", "S01"], "mini-S01"),
    (["--street", "S04"], "mini-S04"),
    (["--department", "market_regulation"], "mini-market_regulation"),
])
@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json", "xlsx"])
def test_golden_lists(tmp_path: Path, args: list[str], name: str, fmt: str,
                      golden: Any) -> None:
    out = tmp_path / f"out.{fmt}"
    run = run_cli("lists", "build", "--county", MINI, "--format", fmt, *args, "-o", out)
    assert run.code == 0, run.stderr
    golden(f"lists/{name}.{fmt}", out.read_bytes())


def test_csv_has_bom_for_excel() -> None:
    run = run_cli("lists", "build", "--county", MINI, "--format", "csv", "--street", "S01")
    assert run.stdout.startswith("\ufeff街道编号,街道,清单,序号")


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "s01.md"
    run = run_cli("lists", "build", "--county", MINI, "--street", "S01", "-o", out)
    assert run.code == 0 and run.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# 东门街道履行职责事项清单")
    assert [p.name for p in tmp_path.iterdir()] == ["s01.md"]


def test_bad_selection_and_output(tmp_path: Path, golden: Any) -> None:
    run = run_cli("lists", "build", "--county", MINI, "--street", "S9")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "“S9”" in run.stderr
    golden("errors/lists_build/unknown-street.txt", run.stderr)
    run = run_cli("lists", "build", "--county", MINI, "--street", "S01", "--department", "x")
    assert run.code == 2
    run = run_cli("lists", "build", "--county", MINI, "-o", tmp_path / "no" / "x.md")
    assert run.code == 1 and "[E-OUTPUT]" in run.stderr and str(tmp_path / "no") in run.stderr
    golden("errors/lists_build/output-folder-missing.txt", run.stderr)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "xlsx", "json"])
def test_all_writes_one_file_per_street_and_department(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "lists"
    run = run_cli("lists", "build", "--county", MINI, "--all", "--format", fmt, "-o", out)
    assert run.code == 0, run.stderr
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    streets = [f"streets/S0{i}.{fmt}" for i in range(1, 5)]
    departments = [
        f"departments/{d}.{fmt}" for d in
        ("civil_affairs", "fire_rescue", "market_regulation", "statistics", "urban_management")]
    index = f"index.{fmt}"
    assert files == sorted([*streets, *departments, index, MARKER])
    again = tmp_path / "again"
    run_cli("lists", "build", "--county", MINI, "--all", "--format", fmt, "-o", again)
    assert all((out / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_all_replaces_a_previous_tree_whole(tmp_path: Path) -> None:
    """A file an earlier run wrote and this one does not (a street since removed) goes."""
    out = tmp_path / "lists"
    assert run_cli("lists", "build", "--county", MINI, "--all", "-o", out).code == 0
    (out / "streets" / "stale.md").write_text("old", encoding="utf-8")
    listed = json.loads((out / MARKER).read_text("utf-8"))
    listed["files"].append("streets/stale.md")
    (out / MARKER).write_text(json.dumps(listed), "utf-8")
    assert run_cli("lists", "build", "--county", MINI, "--all", "-o", out).code == 0
    assert not (out / "streets" / "stale.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lists"]  # no staging left behind


def test_all_needs_a_directory() -> None:
    assert run_cli("lists", "build", "--county", MINI, "--all").code == 2
    assert run_cli("lists", "build", "--county", MINI, "--all", "--street", "S01",
                   "-o", "x").code == 2


@pytest.mark.parametrize("with_rules", [False, True])
def test_department_csv_has_items_and_ledger_with_plain_numbers(with_rules: bool) -> None:
    run = run_cli("lists", "build", "--county", MINI, "--format", "csv",
                  "--department", "civil_affairs", *(["--with-rules"] if with_rules else []))
    assert run.code == 0, run.stderr
    code = ["事项编号"] if with_rules else []  # the catalogue code: --with-rules only
    items, ledger = run.stdout.lstrip("\ufeff").replace("\r\n", "\n").split("\n\n")
    rows = list(csv.reader(io.StringIO(items)))
    assert rows[0] == ["部门编号", "部门", "序号", *code, "事项名称", "事项类别", "涉及街道数",
                       "每街道每年经费（元）", "经费合计（元/年）", "每街道经费缺口（元）"]
    assert rows[1] == ["civil_affairs", "区民政局", "1", *(["MZ-001"] if with_rules else []),
                       "困难群众救助申请受理", "协助管理", "3", "20000", "60000", "0"]
    owed = list(csv.reader(io.StringIO(ledger)))
    assert owed[0] == ["部门编号", "部门", "街道编号", "街道", "每年经费（元）", "经费缺口（元）"]
    assert sum(int(r[4]) for r in owed[1:]) == 60000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_index_is_readable_in_spreadsheet_formats(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "lists"
    run = run_cli("lists", "build", "--county", MINI, "--all", "--format", fmt, "-o", out)
    assert run.code == 0, run.stderr
    if fmt == "csv":
        text = (out / "index.csv").read_bytes().decode("utf-8")
        assert text.startswith("\ufeff类别,名称,文件\r\n")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out / "index.xlsx").active
        assert sheet.title == "索引"
        rows = [[str(c.value) for c in r] for r in sheet.iter_rows(min_row=2)]
        assert all(sheet.cell(row=i, column=3).hyperlink.target == r[2]
                   for i, r in enumerate(rows, start=2))
    assert rows[0] == ["街道", "东门街道", f"streets/S01.{fmt}"]
    assert ["部门", "区民政局", f"departments/civil_affairs.{fmt}"] in rows
    assert all((out / r[2]).is_file() for r in rows) and len(rows) == 4 + 5


def test_all_holds_few_workbooks_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a workbook per street, memory stays bounded: a workbook refers to its sheets and
    back, so only the collector frees it, and it must be left running while the files are
    made. At most a handful are alive at any file written."""
    from openpyxl import Workbook

    from bench.national import write_county
    from engine import outdir
    from engine.render import lists_stream, lists_xlsx_stream

    county = tmp_path / "county"
    write_county(county, 120, 30)
    made: list[weakref.ref[Workbook]] = []
    real_init, real_write = Workbook.__init__, outdir._Writer.write
    alive: list[int] = []

    def init(self: Workbook, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    def write(self: Any, rel: str, content: str | bytes) -> None:
        alive.append(sum(r() is not None for r in made))
        real_write(self, rel, content)

    monkeypatch.setattr(Workbook, "__init__", init)
    monkeypatch.setattr(outdir._Writer, "write", write)
    monkeypatch.delattr(lists_stream.os, "fork")  # every street's workbook made here
    # each through openpyxl, as for a street whose names cannot be put in a class's workbook
    monkeypatch.setattr(lists_xlsx_stream.XlsxStreets, "stencil",
                        lambda self, members: lambda sid: None)
    monkeypatch.setattr(lists_xlsx_stream.XlsxStreets, "department", lambda self, lists: None)
    run = run_cli("lists", "build", "--county", county, "--all", "--format", "xlsx",
                  "-o", tmp_path / "out")
    assert run.code == 0, run.stderr
    assert len(made) > 120 and len(alive) > 120
    assert max(alive) <= 40, max(alive)


@pytest.mark.parametrize("option", [["--street", "S02"], ["--department", "civil_affairs"]])
def test_one_street_or_department_is_made_alone(option: list[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A national county's one street must not cost every street's lists: only the street
    asked for is made (the same bytes as narrowed from the whole county)."""
    from engine.lists.plan import ListPlan
    from engine.render.lists_files import render_lists

    made: list[str] = []
    real = ListPlan.street_lists

    def counted(self: ListPlan, sid: str, *args: Any, **kwargs: Any) -> Any:
        made.append(sid)
        return real(self, sid, *args, **kwargs)

    monkeypatch.setattr(ListPlan, "street_lists", counted)
    run = run_cli("lists", "build", *option, "--format", "csv", "-o", tmp_path / "one.csv")
    assert run.code == 0, run.stderr
    assert made == option[1:2] if option[0] == "--street" else made == []
    whole = build_lists(load_workspace())
    narrowed = whole.model_copy(update=(
        {"streets": [s for s in whole.streets if s.street == "S02"], "departments": []}
        if option[0] == "--street" else
        {"streets": [], "departments": [d for d in whole.departments
                                        if d.department == "civil_affairs"]}))
    assert (tmp_path / "one.csv").read_bytes() == str(render_lists(
        narrowed, load_workspace().names, "csv")).encode("utf-8")
