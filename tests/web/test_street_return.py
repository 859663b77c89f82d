"""A street's request to hand an item back, on the web: the street's form, the department
concerned answering, every later step, and the lists after publication; a street acting for
another street is refused and nothing changes (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Client, Server, snapshot

PID = "JH-S01-XF-003"  # 解放路街道 hands back 九小场所消防监督检查 (needs powers it lacks)
ITEM = "“九小场所”消防监督检查"


@pytest.fixture(scope="module", params=["sqlite_server", "pg_server"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def ok(c: Client, path: str, data: dict[str, str]) -> None:
    reply = c.post(path, data)
    assert reply.status == 302, (path, reply.status, reply.text[:2000])


def test_a_street_hands_an_item_back_through_the_web(server: Server) -> None:
    s01 = Client(server.url).login("street", "street:S01")
    form = s01.get("/proposals/return/")
    assert form.status == 200 and "XF-003" in form.text

    # the same account acting for 人民路街道 cannot ask in 解放路街道's name
    s02 = Client(server.url).login("street", "street:S02")
    before = snapshot(server)
    reply = s02.post("/proposals/return/", {"street": "S01", "item": "XF-003",
                                            "reasons": "lacks_power"})
    assert reply.status in (400, 403, 409) and "Traceback" not in reply.text
    assert "不能代 S01 申请" in reply.text
    assert snapshot(server) == before
    # nor can a department open the form
    fire = Client(server.url).login("fire")
    assert fire.get("/proposals/return/").status == 404

    ok(s01, "/proposals/return/", {"street": "S01", "item": "XF-003",
                                   "reasons": "lacks_power", "note": "须由消防部门检查"})
    page = s01.get(f"/proposals/{PID}/").text
    assert "缺少事项所需的职权" in page and 'id="department-opinion">尚未反馈' in page

    office = Client(server.url).login("office")
    before = snapshot(server)
    reply = office.post(f"/proposals/{PID}/review/")
    assert reply.status == 409 and "须先听取 fire_rescue 的意见" in reply.text
    assert snapshot(server) == before

    ok(fire, f"/proposals/{PID}/department_opinion/", {"opinion": "agree", "note": "收回"})
    ok(office, f"/proposals/{PID}/review/", {})
    ok(Client(server.url).login("justice"), f"/proposals/{PID}/legal/", {"result": "passed"})
    ok(s01, f"/proposals/{PID}/opinion/", {"street": "S01", "opinion": "agree", "note": ""})
    ok(Client(server.url).login("county"), f"/proposals/{PID}/decide/",
       {"outcome": "admit", "body": "区政府常务会议", "ref": "2026年第60次"})
    ok(office, f"/proposals/{PID}/publish/", {})

    page = s01.get(f"/proposals/{PID}/").text
    assert 'data-state="published"' in page
    lists = s01.get("/lists/?street=S01").text
    recalled = lists[lists.index("上级部门收回事项清单"):]
    assert ITEM in recalled
