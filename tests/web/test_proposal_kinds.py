"""Every kind of proposal through the web form (SQLite and PostgreSQL, in process): an
admission with its field of work, a recall and a revision of a listed item; a recall of a new
item is refused next to the field and changes nothing; the form of a stored recall or revision
is filled again with what was submitted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import AppClient, Server, snapshot
from tests.web.test_informed_steps import field, ok, query
from tests.web.test_permissions import FORM

BASE = {"urgency": "normal", "funding": "0", "staff": "0", "department": "fire_rescue"}


@pytest.fixture(scope="module", params=["web_app", "web_app_pg"])
def app(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def stored(server: Server, pid: str) -> dict[str, Any]:
    from engine.store.orm import m

    return query(server, lambda: m.ProposalRecord.objects.get(id=pid).document)  # type: ignore[no-any-return]


def test_an_admission_keeps_its_field_of_work(app: Server) -> None:
    fire = AppClient(app).login("fire")
    ok(fire, "/proposals/new/", {**FORM, "id": "P-KIND-1", "domain": "平安法治",
                                 "do": "submit"})
    assert stored(app, "P-KIND-1")["item"]["domain"] == "平安法治"
    page = AppClient(app).login("office").get("/proposals/P-KIND-1/").text
    content = page[page.index('id="content"'):]
    assert "履职领域</dt><dd>平安法治" in content


def test_a_recall_and_a_revision_through_the_form(app: Server) -> None:
    fire = AppClient(app).login("fire")
    ok(fire, "/proposals/new/", {**BASE, "change": "recall", "id": "P-KIND-2",
                                 "title": "“九小场所”消防监督检查收回区消防救援大队",
                                 "item_kind": "ref", "item_ref": "XF-003", "all_streets": "on",
                                 "do": "submit"})
    document = stored(app, "P-KIND-2")
    assert (document["change"], document["item"], document["mode"]) == (
        "recall", {"ref": "XF-003"}, None)
    page = fire.get("/proposals/P-KIND-2/").text
    assert 'data-state="submitted"' in page and "收回" in page

    ok(fire, "/proposals/new/", {**BASE, "change": "revise", "id": "P-KIND-3",
                                 "title": "“九小场所”消防监督检查工作量调整",
                                 "item_kind": "ref", "item_ref": "XF-003", "mode": "hand_over",
                                 "category": "specialist", "workload_days": "12",
                                 "legal_basis": "《消防监督检查规定》（应急管理部令第2号）",
                                 "do": "submit"})
    document = stored(app, "P-KIND-3")
    assert (document["change"], document["streets"]) == ("revise", "all")
    # the category is the item's own: not a change; the rest is
    assert {k: v for k, v in document["revision"].items() if v is not None} == {
        "workload_days": 12,
                                    "legal_basis": "《消防监督检查规定》（应急管理部令第2号）"}
    page = AppClient(app).login("office").get("/proposals/P-KIND-3/").text
    content = page[page.index('id="content"'):]
    assert "调整后的每街道每年工作量</dt><dd>12 人日" in content
    assert "调整后的法律依据</dt><dd>《消防监督检查规定》（应急管理部令第2号）" in content
    # the applicant's form filled again with the revision as submitted
    again = fire.get("/proposals/new/?from=P-KIND-3").text
    assert 'id="prefilled"' in again
    assert re.search(r'name="change" value="revise"[^>]*checked', again)
    assert "应急管理部令第2号" in again and 'value="12"' in again


def test_a_recall_of_a_new_item_is_refused_next_to_the_field(app: Server) -> None:
    fire = AppClient(app).login("fire")
    before = snapshot(app)
    reply = fire.post("/proposals/new/", {**FORM, "change": "recall", "id": "P-KIND-4",
                                          "do": "submit"})
    assert reply.status == 400
    assert "收回申请须选择清单中已有的事项" in field(reply.text, "item_ref")
    reply = fire.post("/proposals/new/", {**FORM, "mode": "", "id": "P-KIND-5",
                                          "do": "submit"})
    assert reply.status == 400 and "请选择街道承担的方式" in field(reply.text, "mode")
    assert snapshot(app) == before


def test_a_revision_sets_traits_duties_method_and_takeover(app: Server) -> None:
    """Every field of a listed item can be revised through the form; a trait left at 不调整 is
    not part of the revision, one set to 否 is."""
    fire = AppClient(app).login("fire")
    ok(fire, "/proposals/new/", {**BASE, "change": "revise", "id": "P-KIND-6",
                                 "title": "“九小场所”消防监督检查写法调整",
                                 "item_kind": "ref", "item_ref": "XF-003", "mode": "hand_over",
                                 "revise_public_facing": "no", "revise_high_volume": "",
                                 "department_duty": "组织开展“九小场所”消防监督检查",
                                 "street_duty": "发现隐患及时报告区消防救援大队",
                                 "method": "日常巡查", "takeover": "fire_rescue",
                                 "do": "submit"})
    revision = {k: v for k, v in stored(app, "P-KIND-6")["revision"].items() if v is not None}
    assert revision == {"public_facing": False,
                        "department_duty": "组织开展“九小场所”消防监督检查",
                        "street_duty": "发现隐患及时报告区消防救援大队",
                        "method": "日常巡查", "takeover": "fire_rescue"}
    page = AppClient(app).login("office").get("/proposals/P-KIND-6/").text
    content = page[page.index('id="content"'):]
    assert "调整后的直接面向群众</dt><dd>否" in content
    assert "调整后的承接部门</dt><dd>区消防救援大队" in content
    assert "调整后的街道职责</dt><dd>发现隐患及时报告区消防救援大队" in content
    again = fire.get("/proposals/new/?from=P-KIND-6").text
    assert re.search(r'<option value="no" selected>否</option>', again)
    assert re.search(r'name="takeover"[^>]*>.*?<option value="fire_rescue" selected',
                     again, re.S)
    assert "日常巡查" in again
