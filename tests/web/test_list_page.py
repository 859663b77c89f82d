"""The list page shows each list as the published documents lay it out: the list's own
columns from ``engine.render.lists_table`` (with the catalogue code), rows under their field of
work numbered through the whole list, numbers with separators, filters that keep each row's
number, the title block of the version shown and the items that do not apply to the street;
and a department's own list in its documents' layout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from engine.render.lists_table import LIST_TITLES, RULES, department_columns, list_columns
from engine.vocab import label
from tests.conftest import ROOT
from tests.web.conftest import AppClient, Server

KINDS = ("basic", "cooperative", "recalled")


def built(server: Server, fmt: str, street: str = "S01") -> str:
    """``duty lists build`` of the street's published lists (version 0) from the store."""
    run = subprocess.run([sys.executable, "-m", "engine.cli", "lists", "build", "--street",
                          street, "--version", "0", "--format", fmt, "--with-rules", "--db",
                          server.env["DUTY_DB"]], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def s01(web_app: Server) -> dict[str, Any]:
    return json.loads(built(web_app, "json"))["streets"][0]


def tables(page: str) -> dict[str, dict[str, Any]]:
    """Each list table of the page by its list: headers, field headings, rows (item, cells)."""
    out = {}
    part = page.split('<div id="list-tables">', 1)[1].split("</div>", 1)[0]
    for chunk in part.split("<h2>")[1:]:
        kind = next(k for k, t in LIST_TITLES.items() if chunk.split("（", 1)[0].endswith(t))
        out[kind] = {
            "title": chunk.split("</h2>", 1)[0],
            "headers": [unescape(h) for h in re.findall(
                r"<th(?: class=\"nw\")?>([^<]*)</th>", chunk.split("</thead>", 1)[0])],
            "domains": re.findall(r'<tr class="domain"><th [^>]*>([^<（]*)（', chunk),
            "rows": [(item, [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)])
                     for item, row in re.findall(r'<tr data-item="([^"]*)">(.*?)</tr>',
                                                 chunk.split("<details", 1)[0])]}
    return out


def expected_headers(kind: str) -> list[str]:
    return [c.title for c in list_columns(kind, with_rules=True, grouped=True) if c != RULES]


def test_each_list_in_the_documents_layout(web_app: Server, s01: dict[str, Any]) -> None:
    page = AppClient(web_app).login("office").get("/lists/?street=S01").text
    shown = tables(page)
    assert list(shown) == list(KINDS)
    for kind in KINDS:
        t, rows = shown[kind], s01[kind]
        assert t["headers"] == expected_headers(kind), kind
        assert "事项编号" in t["headers"] and "履职领域" not in t["headers"]
        assert "规则" not in t["headers"]
        assert ("经费（元/年）" in t["headers"]) == (kind != "recalled")
        domains = [r["domain"] or "其他" for r in rows]
        assert t["domains"] == list(dict.fromkeys(domains)), kind  # one heading per field
        assert [i for i, _ in t["rows"]] == [r["item"] for r in rows]
        assert [c[0] for _, c in t["rows"]] == [str(n) for n in range(1, len(rows) + 1)]
        assert [c[1] for _, c in t["rows"]] == [r["item"] for r in rows]  # the code column
    funds = expected_headers("basic").index("经费（元/年）")
    paid = [(n, r) for n, r in enumerate(s01["basic"]) if r["funding"]["follows"]]
    assert paid and all(r["funding"]["amount"] >= 1000 for _, r in paid)
    for n, r in paid:
        assert shown["basic"]["rows"][n][1][funds] == f"{r['funding']['amount']:,}"
    assert '<td class="num">20,000</td>' in page
    # the title block is the documents' own, for the version shown
    block = re.search(r'<p class="title-block">([^<]*)</p>', page)
    assert block and block.group(1) in built(web_app, "md")
    assert "清单版本：第 0 版" in block.group(1) and "解放路街道" in block.group(1)


def _numbers(t: dict[str, Any]) -> dict[str, str]:
    return {item: c[0] for item, c in t["rows"]}


@pytest.mark.parametrize("kind", KINDS)
def test_filters_keep_each_rows_number(web_app: Server, s01: dict[str, Any],
                                       kind: str) -> None:
    office = AppClient(web_app).login("office")
    full = {item: str(n) for n, item in enumerate((r["item"] for r in s01[kind]), 1)}
    rows = s01[kind]
    last = rows[-1]
    word = last["name"][:4]
    filters = {"q": word, "department": last["department"], "category": last["category"]}
    for key, value in filters.items():
        page = office.get(f"/lists/?street=S01&list={kind}&{key}="
                          + quote(value)).text
        shown = tables(page)
        assert list(shown) == [kind]
        numbers = _numbers(shown[kind])
        assert last["item"] in numbers and numbers == {i: full[i] for i in numbers}, key
        if key != "q" and len({r[key] for r in rows}) > 1:
            assert len(numbers) < len(rows), key
        if len(numbers) < len(rows):
            assert f"显示 {len(numbers)} 项，共 {len(rows)} 项" in shown[kind]["title"]
        kept = {r["domain"] or "其他" for r in rows if r["item"] in numbers}
        assert set(shown[kind]["domains"]) == kept  # no heading without rows under it


def test_htmx_swaps_the_tables_with_their_title_block(web_app: Server) -> None:
    name = json.loads(built(web_app, "json", "S02"))["streets"][0]["name"]
    office = AppClient(web_app).login("office")
    reply = office.get("/lists/?street=S02&list=recalled", headers={"HX-Request": "true"})
    assert reply.text.startswith('<div id="list-tables">') and "<html" not in reply.text
    assert f"乡镇（街道）：{name}" in reply.text
    assert list(tables(reply.text)) == ["recalled"]
    assert 'class="title-block"' in reply.text and "第 0 版" in reply.text


def test_items_not_applying_with_their_reasons(web_app: Server,
                                               s01: dict[str, Any]) -> None:
    office = AppClient(web_app).login("office")
    page = office.get("/lists/?street=S01").text
    absent = s01["not_applying"]
    assert absent
    block = page.split('<details class="not-applying">', 1)[1].split("</details>", 1)[0]
    assert f"不适用于本街道的目录事项（{len(absent)} 项）" in block
    assert "data-item" not in block  # a row of a list only
    rows = re.findall(r'<tr data-absent="([^"]*)">(.*?)</tr>', block)
    assert [i for i, _ in rows] == [a["item"] for a in absent]
    for n, ((_, row), a) in enumerate(zip(rows, absent, strict=True), 1):
        assert [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] == [
            str(n), a["item"], a["name"], a["reason"]]
    # the text search narrows them too, each keeping its number
    last = absent[-1]
    page = office.get("/lists/?street=S01&q=" + quote(last["item"])).text
    block = page.split('<details class="not-applying">', 1)[1].split("</details>", 1)[0]
    assert re.findall(r'<tr data-absent="([^"]*)"><td[^>]*>(\d+)</td>', block) == [
        (last["item"], str(len(absent)))]


def department_built(server: Server, fmt: str, department: str, *options: str) -> str:
    """``duty lists build`` of a department's published list (version 0) from the store, as
    written to a file."""
    out = Path(server.env["DUTY_DB"]).parent / f"{department}.{fmt}"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "lists", "build", "--department",
                          department, "--version", "0", "--format", fmt, *options,
                          "--db", server.env["DUTY_DB"], "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    return out.read_bytes().decode("utf-8")


def _cells(chunk: str) -> list[list[tuple[bool, str]]]:
    """Each body row's cells: whether it is a number cell, and its text."""
    body = chunk.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[(cls == ' class="num"', unescape(text))
             for cls, text in re.findall(r"<td((?: class=\"num\")?)>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_a_departments_list_in_the_documents_layout(web_app: Server) -> None:
    """The department's own list as its documents lay it out: the title block, its items
    with the catalogue code, the funds it owes each street, numbers right-aligned with
    separators; and every format to download, CSV included."""
    office = AppClient(web_app).login("office")
    page = office.get("/lists/?version=0&dept_list=urban_management").text
    section = page.split('<section id="department-list">', 1)[1].split("</section>", 1)[0]
    d = json.loads(department_built(web_app, "json", "urban_management"))[
        "departments"][0]
    block = re.search(r'<p class="title-block">([^<]*)</p>', section)
    md = department_built(web_app, "md", "urban_management")
    assert block and block.group(1) in md and "清单版本：第 0 版" in block.group(1)
    items, ledger = section.split("<h3>", 1)
    assert re.findall(r"<th(?: class=\"nw\")?>([^<]*)</th>", items) == [
        c.title for c in department_columns(True)]
    assert _cells(items) == [
        [(True, str(n)), (False, i["item"]), (False, i["name"]), (False, label(i["category"])),
         (True, str(len(i["streets"]))), (True, f"{i['funding_per_street']:,}"),
         (True, f"{i['funding_total']:,}"), (True, f"{i['shortfall_per_street']:,}")]
        for n, i in enumerate(d["items"], 1)]
    owed = d["funding_owed"]
    assert any(amount >= 1000 for amount in owed.values())
    rows = _cells(ledger)
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ((False, sid), (True, f"{amount:,}"), (True, f"{d['funding_shortfall'].get(sid, 0):,}"))
        for sid, amount in owed.items()]
    assert all(r[1][1] and not r[1][0] for r in rows)  # the street's name
    assert f"合计：每年 {d['funding_total']:,} 元。" in section
    assert "department=urban_management&amp;format=csv" in page
    got = office.get("/lists/download/?version=0&department=urban_management&format=csv")
    assert got.status == 200
    assert got.text == department_built(web_app, "csv", "urban_management")


def test_the_lists_as_they_stood_on_a_day(web_app: Server) -> None:
    """``?as_of=DATE``: the version in force that day (the newest published on or before
    it); a day before the first version, or no date, finds nothing."""
    from datetime import date, timedelta

    office = AppClient(web_app).login("office")
    later = (date.today() + timedelta(days=400)).isoformat()
    page = office.get(f"/lists/?as_of={later}&street=S01")
    assert page.status == 200 and "第 0 版" in page.text
    same = office.get("/lists/?version=0&street=S01").text

    def tables_of(text: str) -> str:
        return text.split('<div id="list-tables">', 1)[1]

    assert tables_of(page.text) == tables_of(same)
    assert office.get("/lists/?as_of=2000-01-01").status == 404
    assert office.get("/lists/?as_of=yesterday").status == 404
