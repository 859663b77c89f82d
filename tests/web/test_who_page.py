"""谁来办 on the web: the list page's search box and the JSON endpoint answer from the newest
published version with the list page's reading rights; a ticket number is logged; bad input is
refused with nothing written."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from typing import Any

from tests.web.conftest import Client, Server

ASK = "外卖电动车推进楼道里飞线充电"


def _path(**params: str) -> str:
    return "/lists/who/?" + urllib.parse.urlencode(params)


WHO = "/lists/who/"


def _lookups(server: Server) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.env["DUTY_DB"]) as db:
        return db.execute("SELECT account, role, ticket, street, version, item, department "
                          "FROM duty_who_lookup ORDER BY seq").fetchall()


def test_json_answer_with_parties_and_citations(sqlite_server: Server) -> None:
    office = Client(sqlite_server.url).login("office")
    reply = office.get(_path(q=ASK, street="S01", format="json", top="2"))
    assert reply.status == 200, reply.text[:300]
    data = json.loads(reply.text)
    assert data["source"]["version"] == 0 and data["street"] == "S01"
    best = data["matches"][0]
    assert best["item"] == "XF-002" and best["phases"] and best["rules"]
    assert all(r["citation"] for r in best["rules"]) and len(data["matches"]) <= 2


def test_list_page_has_the_search_box_and_the_answer_renders(sqlite_server: Server) -> None:
    office = Client(sqlite_server.url).login("office")
    page = office.get("/lists/?street=S01")
    assert 'id="who-search"' in page.text and 'name="ticket"' in page.text
    answer = office.post(WHO, {"q": ASK, "street": "S01"})
    assert answer.status == 200 and 'data-item="XF-002"' in answer.text
    assert "ASG-COMP" in answer.text


def test_reading_rights_as_on_the_list_page(sqlite_server: Server) -> None:
    s03 = Client(sqlite_server.url).login("s03")
    assert s03.get(_path(q=ASK, street="S01", format="json")).status == 404
    own = s03.get(_path(q=ASK, format="json"))  # a street asks about its own street
    assert own.status == 200 and json.loads(own.text)["street"] == "S03"
    named = s03.get(_path(q=ASK, street="新华街道", format="json"))  # by its name
    assert named.status == 200 and json.loads(named.text)["street"] == "S03"
    assert s03.get(_path(q=ASK, street="解放路街道", format="json")).status == 404
    admin = Client(sqlite_server.url).login("admin")
    assert admin.get(_path(q=ASK, street="S01", format="json")).status == 404
    anonymous = Client(sqlite_server.url).get(_path(q=ASK, street="S01"))
    assert anonymous.status == 302 and "/login/" in (anonymous.location or "")


def test_ticket_logged_and_bad_input_refused(sqlite_server: Server) -> None:
    fire = Client(sqlite_server.url).login("fire")
    before = _lookups(sqlite_server)
    for params, status, code in (
            ({"q": "", "street": "S01"}, 400, "E-QUERY"),
            ({"q": "噪" * 2001, "street": "S01"}, 400, "E-QUERY"),
            ({"q": ASK, "street": "解放街道"}, 404, "E-NOTFOUND"),
            ({"q": ASK, "street": "S01", "ticket": "12 34<"}, 400, "E-QUERY")):
        r = fire.post(WHO, {**params, "format": "json"})  # a long text needs a POST
        assert r.status == status and json.loads(r.text)["error"] == code, (params, r.text)
    assert _lookups(sqlite_server) == before  # refusals write nothing
    r = fire.post(WHO, {"q": ASK, "street": "S01", "ticket": "20231224019374",
                        "format": "json"})
    assert r.status == 200
    assert _lookups(sqlite_server)[len(before):] == [
        ("fire", "department:fire_rescue", "20231224019374", "S01", 0, "XF-002", "fire_rescue")]


def test_post_without_csrf_token_is_refused(sqlite_server: Server) -> None:
    office = Client(sqlite_server.url).login("office")
    before = _lookups(sqlite_server)
    reply = office.post(WHO, {"q": ASK, "street": "S01", "ticket": "T1"}, csrf=False)
    assert reply.status == 403 and _lookups(sqlite_server) == before


def test_assessment_page_table_and_chart(sqlite_server: Server) -> None:
    office = Client(sqlite_server.url).login("office")
    assert office.post(WHO, {"q": ASK, "street": "S02", "ticket": "A-1"}).status == 200
    page = office.get("/lists/assessment/?kind=street&id=S02&from=2000-01-01&to=2100-12-31")
    assert page.status == 200 and 'id="assessment-summary"' in page.text
    assert "<svg" in page.text and 'data-item="XF-002"' in page.text
    row = page.text.split('data-item="XF-002"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>' in row
    assert office.get("/lists/assessment/?kind=street&id=S02&from=2026-13-01").status == 400
    s03 = Client(sqlite_server.url).login("s03")
    assert s03.get("/lists/assessment/?kind=street&id=S02").status == 404
    assert s03.get("/lists/assessment/").status == 200  # its own street by default
    fire = Client(sqlite_server.url).login("fire")
    own = fire.get("/lists/assessment/?from=2000-01-01&to=2100-12-31")
    assert own.status == 200 and 'data-item="XF-002"' in own.text  # its own department
