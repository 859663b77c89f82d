"""The national list layout: rows grouped by field of work and numbered through each list,
the columns of each list, catalogue codes and rule ids only on request, the title block, the
items not applying to a street in every format, and list versions stored before the layout
fields still loading."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from engine.lists.build import build_lists
from engine.loading.workspace import load_workspace
from engine.models.lists import CountyLists, ListRow, ListSource
from engine.render.lists_files import render_lists
from engine.render.lists_table import (
    OTHER_DOMAIN,
    cells,
    flat_columns,
    list_columns,
    sections,
    title_block,
)
from tests.conftest import MINI, run_cli

LAYOUT = ("domain", "department_duty", "street_duty", "takeover", "method")


@pytest.fixture(scope="module")
def sample() -> Any:
    ws = load_workspace()
    return ws, build_lists(ws)


def _titles(kind: str, **flags: bool) -> list[str]:
    return [c.title for c in list_columns(kind, **flags)]


def test_rows_are_grouped_by_field_of_work_in_the_vocabulary_order(sample: Any) -> None:
    ws, lists = sample
    vocabulary = ws.policy.parameters.domains.values
    rank = {d: i for i, d in enumerate(vocabulary)}
    for s in lists.streets:
        for kind in ("basic", "cooperative", "recalled"):
            rows: list[ListRow] = getattr(s, kind)
            keys = [rank[r.domain] if r.domain else len(rank) for r in rows]
            assert keys == sorted(keys), (s.street, kind)
            groups = sections(rows)
            headings = [h for h, _ in groups]
            assert len(headings) == len(set(headings))  # one group per field
            numbers = [n for _, numbered in groups for n, _ in numbered]
            assert numbers == list(range(1, len(rows) + 1))  # numbered on through the list
            catalogue = list(ws.county.items)
            for _, numbered in groups:  # catalogue order within a field
                order = [catalogue.index(r.item) for _, r in numbered]
                assert order == sorted(order)


def test_sections_head_rows_without_a_field_other_and_leave_an_ungrouped_list_alone(
        sample: Any) -> None:
    _, lists = sample
    rows = lists.streets[0].basic
    plain = [r.model_copy(update={"domain": None}) for r in rows[:3]]
    assert sections(plain) == [(None, list(enumerate(plain, 1)))]
    mixed = [*rows[:2], plain[2]]
    assert [h for h, _ in sections(mixed)][-1] == OTHER_DOMAIN
    assert sections([]) == []


def test_each_list_has_the_columns_a_county_publishes() -> None:
    assert _titles("basic") == ["序号", "履职领域", "事项名称", "事项类别", "对应上级部门",
                                "配合单位", "乡镇（街道）职责", "经费（元/年）", "依据"]
    assert _titles("cooperative") == ["序号", "履职领域", "事项名称", "事项类别",
                                      "对应上级部门", "上级部门职责", "乡镇（街道）配合职责",
                                      "经费（元/年）", "依据"]
    assert _titles("recalled") == ["序号", "履职领域", "事项名称", "事项类别", "对应上级部门",
                                   "承接部门", "工作方式", "依据"]
    for kind in ("basic", "cooperative", "recalled"):
        ruled = _titles(kind, with_rules=True)
        assert ruled[2] == "事项编号" and ruled[-1] == "规则"
        assert "履职领域" not in _titles(kind, grouped=True)
        kinds = [c.kind for c in list_columns(kind)]
        assert kinds[0] == "seq" and kinds.count("number") == (kind != "recalled")


def test_cells_match_the_columns_and_funds_are_numbers(sample: Any) -> None:
    ws, lists = sample
    for s in lists.streets[:3]:
        for kind in ("basic", "cooperative", "recalled"):
            for n, row in enumerate(getattr(s, kind), 1):
                for flags in ({}, {"with_rules": True}, {"grouped": True}):
                    columns = list_columns(kind, **flags)
                    values = cells(n, row, ws.names, **flags)
                    assert len(values) == len(columns)
                    for column, value in zip(columns, values, strict=True):
                        assert isinstance(value, int) == (column.kind != "text"), column
                if kind != "recalled":
                    funds = cells(n, row, ws.names)[-2]
                    assert funds == (row.funding.amount if row.funding.follows else 0)


def test_cooperating_and_recalled_rows_state_the_catalogue_words() -> None:
    lists = build_lists(load_workspace(MINI))
    s01 = lists.streets[0]
    row = next(r for r in s01.cooperative if r.item == "MZ-001")
    values = dict(zip(_titles("cooperative"), cells(1, row, {}), strict=True))
    assert values["上级部门职责"] == "审核认定救助对象，按时发放救助金"
    assert values["乡镇（街道）配合职责"] == "受理救助申请，入户调查并报告"
    assert values["经费（元/年）"] == 20000 and values["履职领域"] == "民生服务"
    ws = load_workspace()
    sample = build_lists(ws)
    recalled = next(r for s in sample.streets for r in s.recalled if r.item == "CG-013")
    assert recalled.takeover is not None and recalled.takeover.id == "housing"
    values = dict(zip(_titles("recalled"), cells(1, recalled, ws.names), strict=True))
    assert values["承接部门"] == "区住房和城乡建设局"
    assert values["工作方式"].startswith("由区住房和城乡建设局统一受理审批")
    other = next(r for s in sample.streets for r in s.recalled if r.item == "CG-014")
    assert other.takeover == other.primary  # no department named: the one carrying it
    assert all(r.takeover is None and r.method is None
               for s in sample.streets for r in (*s.basic, *s.cooperative))


def test_codes_and_rules_only_with_the_option() -> None:
    plain = run_cli("lists", "build", "--county", MINI, "--street", "S01")
    ruled = run_cli("lists", "build", "--county", MINI, "--street", "S01", "--with-rules")
    assert plain.code == ruled.code == 0
    for fmt_out in (plain.stdout,):
        assert "事项编号" not in fmt_out and "ASG-" not in fmt_out and "CG-001" not in fmt_out
    assert "| 事项编号 |" in ruled.stdout and "ASG-COMP" in ruled.stdout
    assert "| 1 | CG-001 | 门前三包日常巡查 |" in ruled.stdout
    html = run_cli("lists", "build", "--county", MINI, "--street", "S01", "--format", "html")
    assert "ASG-" not in html.stdout and "<th>事项编号</th>" not in html.stdout
    csv_ruled = run_cli("lists", "build", "--county", MINI, "--format", "csv",
                        "--with-rules")
    header = csv_ruled.stdout.lstrip("\ufeff").splitlines()[0].split(",")
    assert header == [c.title for c in flat_columns(with_rules=True)]
    assert "事项编号" in header and "规则" in header
    helped = run_cli("lists", "build", "--help")
    assert "--with-rules" in helped.stdout and "事项编号" in helped.stdout


def test_the_title_block_says_which_lists_these_are() -> None:
    lists = build_lists(load_workspace(MINI))
    draft = dict(title_block(lists.county, None, "东门街道"))
    assert draft == {"县区": "测试区", "乡镇（街道）": "东门街道",
                     "清单版本": "草案（据县区目录生成，未经公布）", "公布日期": "未公布",
                     "审计锚点": "无"}
    source = ListSource(version=3, published="2026-05-01", anchor="41:abc")
    one = lists.model_copy(update={"streets": lists.streets[:1], "departments": []})
    md = render_lists(one, {}, "md", source)
    assert isinstance(md, str)
    assert md.splitlines()[2] == ("县区：测试区；乡镇（街道）：东门街道；清单版本：第 3 版；"
                                  "公布日期：2026-05-01；审计锚点：41:abc")
    html = render_lists(one, {}, "html", source)
    assert isinstance(html, str) and '<p class="title-block">县区：测试区；' in html
    assert "审计锚点：41:abc</p>" in html
    data = json.loads(render_lists(one, {}, "json", source))
    assert data["source"] == {"version": 3, "published": "2026-05-01", "anchor": "41:abc"}
    assert json.loads(render_lists(one, {}, "json"))["source"] == {
        "version": None, "published": None, "anchor": None}
    dept = lists.model_copy(update={"streets": [], "departments": lists.departments[:1]})
    assert "清单版本：第 3 版" in str(render_lists(dept, {}, "md", source))


def test_every_format_lists_the_items_not_applying_with_the_reason() -> None:
    ws = load_workspace(MINI)
    lists = build_lists(ws)
    s04 = lists.model_copy(update={"streets": [lists.streets[3]], "departments": []})
    absent = s04.streets[0].not_applying
    assert absent
    table = list(csv.reader(io.StringIO(str(render_lists(s04, ws.names, "csv"))
                                        .lstrip("\ufeff"))))
    head, rows = table[0], table[1:]
    gone = [dict(zip(head, r, strict=True)) for r in rows if r[2] == "不适用"]
    assert [(r["事项名称"], r["不适用原因"]) for r in gone] == [(a.name, a.reason)
                                                           for a in absent]
    for fmt in ("md", "html"):
        text = str(render_lists(s04, ws.names, fmt))
        assert all(a.name in text and a.reason in text for a in absent), fmt
    listed = {r.name for r in (*s04.streets[0].basic, *s04.streets[0].cooperative,
                               *s04.streets[0].recalled)}
    assert {r["事项名称"] for r in (dict(zip(head, r, strict=True)) for r in rows)} == \
        listed | {a.name for a in absent}


def test_a_version_stored_before_the_layout_fields_still_loads(sample: Any) -> None:
    _, lists = sample
    data = json.loads(lists.model_dump_json())
    for s in data["streets"]:
        for kind in ("basic", "cooperative", "recalled"):
            for row in s[kind]:
                for key in LAYOUT:
                    del row[key]
    old = CountyLists.model_validate_json(json.dumps(data))
    rows = [r for s in old.streets for r in (*s.basic, *s.cooperative, *s.recalled)]
    assert rows and all(getattr(r, k) is None for r in rows for k in LAYOUT)
    assert render_lists(old, {}, "md")  # and renders, without fields of work
    assert all(sections(s.basic) == [(None, list(enumerate(s.basic, 1)))]
               for s in old.streets if s.basic)
