"""Informed steps on the web, in process, on SQLite and on PostgreSQL: the office sees the
evaluation with its rules and citations before it reviews, writes its notes with attachments;
the justice bureau writes its legal opinion; a resubmission shows what changed; a street
changes its opinion while the hearing is open; the office publishes several admitted proposals
as one version. Bad attachments, an empty opinion where one is required and publishing a
proposal that is not admitted are refused next to their field and change nothing."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.web.conftest import AppClient, Server, snapshot
from tests.web.test_permissions import FORM

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module", params=["web_app", "web_app_pg"])
def app(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def query(server: Server, read: Any) -> Any:
    """``read()`` on the store's models, inside a read transaction of the store."""
    from engine.store.session import close, transaction
    from engine.workflow.stores import open_keyed

    store = open_keyed(server.target())
    try:
        with transaction(store, write=False):
            return read()
    finally:
        close(store)


def ok(c: AppClient, path: str, data: dict[str, Any]) -> None:
    reply = c.post(path, data)
    assert reply.status == 302, (path, reply.status, reply.text[:3000])


def refused(server: Server, c: AppClient, path: str, data: dict[str, Any], status: int,
            *parts: str) -> str:
    before = snapshot(server)
    reply = c.post(path, data)
    assert reply.status == status, (path, reply.status, reply.text[:3000])
    assert "Traceback" not in reply.text
    for part in parts:
        assert part in reply.text, (part, reply.text[:5000])
    assert snapshot(server) == before
    return reply.text


def field(page: str, name: str) -> str:
    """The HTML of one form field's block (its input, help and errors)."""
    start = page.index(f'id="field-{name}"')
    return page[start:page.index("</div>", start)]


def upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, "application/octet-stream")


def submit(server: Server, pid: str, **changes: str) -> None:
    fire = AppClient(server).login("fire")
    ok(fire, "/proposals/new/", {**FORM, "id": pid, "streets": ["S01", "S02"], **changes,
                                 "do": "submit"})


def test_the_office_reviews_informed_and_the_justice_bureau_writes_its_opinion(
        app: Server) -> None:
    pid = "P-NOTE-1"
    submit(app, pid)
    office = AppClient(app).login("office")
    page = office.get(f"/proposals/{pid}/").text
    # the whole item, and the evaluation the review will find, with its rules and citations
    assert "无物业小区消防通道巡查" in page and "《中华人民共和国消防法》第三十二条" in page
    assessment = page[page.index('id="assessment"'):]
    assert 'data-verdict="admitted"' in assessment and "依据：" in assessment
    assert "编办审核时将：<strong>编办审核通过</strong>" in assessment
    assert "（规则 " in assessment

    path = f"/proposals/{pid}/review/"
    big = PDF + b"0" * (5 * 1024 * 1024)
    for name, content, words in (("tool.exe", b"MZ" + b"0" * 64, "类型不能接收"),
                                 ("扫描件.pdf", PNG, "内容不是PDF文件"),
                                 ("大文件.pdf", big, "过大")):
        text = refused(app, office, path, {"text": "同意", "attachments": upload(name, content)},
                       400, "审核意见或附件有误")
        assert words in field(text, "attachments") and "field-error" in field(text, "attachments")
    text = refused(app, office, path, {"text": "长" * 5001}, 400)
    assert "field-error" in field(text, "text")

    ok(office, path, {"text": "事项清楚，经费随事转移", "basis": "《街道职责准入办法》第五条",
                      "attachments": [upload("审核意见.pdf", PDF), upload("现场.png", PNG)]})
    page = office.get(f"/proposals/{pid}/").text
    notes = page[page.index('id="notes"'):]
    assert "编办审核通过" in notes and "事项清楚，经费随事转移" in notes
    assert "《街道职责准入办法》第五条" in notes and "审核意见.pdf" in notes
    from engine.store.orm import m

    kept = query(app, lambda: sorted(m.Attachment.objects.filter(proposal=pid).values_list(
        "seq", "name", "kind", "sha256")))
    assert [(n, k, h) for _, n, k, h in kept] == [
        ("审核意见.pdf", "pdf", hashlib.sha256(PDF).hexdigest()),
        ("现场.png", "png", hashlib.sha256(PNG).hexdigest())]
    seqs = [seq for seq, *_ in kept]
    download = office.get(f"/proposals/{pid}/attachments/{seqs[0]}/")
    assert download.status == 200 and download.headers["Content-Type"] == "application/pdf"
    assert "attachment;" in download.headers["Content-Disposition"]
    assert download.text == PDF.decode("ascii")
    # a party that may not read the proposal gets nothing, nor does a wrong number
    assert AppClient(app).login("urban").get(f"/proposals/{pid}/attachments/{seqs[0]}/")\
        .status == 404
    assert AppClient(app).login("s03").get(f"/proposals/{pid}/attachments/{seqs[0]}/")\
        .status == 404
    assert office.get(f"/proposals/{pid}/attachments/999999/").status == 404
    assert AppClient(app).login("street", "street:S01").get(
        f"/proposals/{pid}/attachments/{seqs[1]}/").status == 200

    justice = AppClient(app).login("justice")
    page = justice.get(f"/proposals/{pid}/").text
    assert 'id="legal-form"' in page and "事项清楚，经费随事转移" in page  # the office's notes
    text = refused(app, justice, f"/proposals/{pid}/legal/", {"result": "failed", "text": " "},
                   400, "合法性审查意见有误")
    assert "合法性审查未通过须写明审查意见" in field(text, "text")
    ok(justice, f"/proposals/{pid}/legal/", {"result": "passed", "text": "符合消防法规定",
                                             "basis": "《中华人民共和国消防法》第三十二条"})
    page = justice.get(f"/proposals/{pid}/").text
    assert "合法性审查通过" in page and "符合消防法规定" in page
    assert 'data-state="hearing"' in page


def test_a_resubmission_shows_what_changed(app: Server) -> None:
    pid = "P-NOTE-2"
    submit(app, pid, instruments="responsibility_pledge")
    office = AppClient(app).login("office")
    ok(office, f"/proposals/{pid}/review/", {"text": "以签订责任状方式转嫁责任，退回"})
    fire = AppClient(app).login("fire")
    form = fire.get(f"/proposals/new/?from={pid}").text
    assert 'value="responsibility_pledge" ' in form and "checked" in form
    ok(fire, "/proposals/new/", {**FORM, "id": pid, "streets": ["S01", "S02", "S03"],
                                 "funding": "30000", "do": "submit"})
    page = office.get(f"/proposals/{pid}/").text
    changes = page[page.index('id="changes"'):page.index("</table>", page.index('id="changes"'))]
    assert "第 2 稿与此前提交的第 1 稿相比" in page
    for words in ("每街道每年经费", "20,000 元", "30,000 元", "采用的推动方式", "签订责任状",
                  "目标街道"):
        assert words in changes, words
    assert "事项名称" not in changes  # unchanged fields are not listed
    # the department sees the office's reasons for the return
    assert "以签订责任状方式转嫁责任，退回" in fire.get(f"/proposals/{pid}/").text


def _to_hearing(server: Server, pid: str) -> None:
    submit(server, pid, item_name=f"无物业小区消防通道巡查（{pid}）")
    ok(AppClient(server).login("office"), f"/proposals/{pid}/review/", {})
    ok(AppClient(server).login("justice"), f"/proposals/{pid}/legal/", {"result": "passed"})


def test_a_street_changes_its_opinion_until_the_hearing_closes(app: Server) -> None:
    pid = "P-NOTE-3"
    _to_hearing(app, pid)
    s01 = AppClient(app).login("street", "street:S01")
    ok(s01, f"/proposals/{pid}/opinion/", {"street": "S01", "opinion": "agree", "note": ""})
    page = s01.get(f"/proposals/{pid}/").text
    assert 'id="spoken"' in page and "修改本街道意见" in page
    ok(s01, f"/proposals/{pid}/opinion/", {"street": "S01", "opinion": "object",
                                           "note": "人员不足"})
    page = s01.get(f"/proposals/{pid}/").text
    assert "已修改解放路街道的意见：此前为“同意”" in page
    earlier = page[page.index('id="earlier-opinions"'):]
    assert "同意，" in earlier and "年" in earlier  # the earlier one, with its date
    table = page[page.index('id="opinions"'):page.index("</table>", page.index('id="opinions"'))]
    assert "不同意" in table and "人员不足" in table
    s02 = AppClient(app).login("street", "street:S02")
    ok(s02, f"/proposals/{pid}/opinion/", {"street": "S02", "opinion": "agree", "note": ""})
    assert 'data-state="deliberation"' in s01.get(f"/proposals/{pid}/").text
    refused(app, s01, f"/proposals/{pid}/opinion/",
            {"street": "S01", "opinion": "agree", "note": ""}, 409, "不能执行")


def _to_admitted(server: Server, pid: str) -> None:
    _to_hearing(server, pid)
    for role in ("street:S01", "street:S02"):
        ok(AppClient(server).login("street", role), f"/proposals/{pid}/opinion/",
           {"street": role[7:], "opinion": "agree", "note": ""})
    ok(AppClient(server).login("county"), f"/proposals/{pid}/decide/",
       {"outcome": "admit", "body": "区委常委会", "ref": "2026年第3次"})


def test_the_office_publishes_several_proposals_as_one_version(app: Server) -> None:
    a, b, c = "P-PUB-1", "P-PUB-2", "P-PUB-3"
    _to_admitted(app, a)
    _to_admitted(app, b)
    _to_hearing(app, c)
    office = AppClient(app).login("office")
    assert 'id="publish-several"' in office.get("/").text
    page = office.get("/proposals/publish/").text
    assert a in page and b in page and f'value="{c}"' not in page
    # one that is not admitted: refused next to the field, nothing published
    text = refused(app, office, "/proposals/publish/", {"proposals": [a, c]}, 400)
    assert f"申请 {c} 不是已准入待公布的申请" in field(text, "proposals")
    text = refused(app, office, "/proposals/publish/", {}, 400)
    assert "请至少选择一项" in field(text, "proposals")
    # others may not open it
    for user, role in (("fire", None), ("justice", None), ("county", None),
                       ("street", "street:S01"), ("admin", None)):
        c_ = AppClient(app).login(user, role)
        assert c_.get("/proposals/publish/").status == 404, user
        refused(app, c_, "/proposals/publish/", {"proposals": [a, b]}, 404)

    from engine.store.orm import m

    before = query(app, m.ListVersion.objects.count)
    reply = office.post("/proposals/publish/", {"proposals": [a, b]})
    assert reply.status == 302 and reply.location and "/lists/" in reply.location
    assert query(app, m.ListVersion.objects.count) == before + 1
    versions = query(app, lambda: set(m.VersionProposal.objects.filter(
        proposal__in=[a, b]).values_list("version", flat=True)))
    assert len(versions) == 1
    for pid in (a, b):
        assert 'data-state="published"' in office.get(f"/proposals/{pid}/").text


def test_a_step_with_attachments_takes_a_larger_body_and_no_more(app: Server) -> None:
    from engine.web.uploads import body_limit

    assert body_limit("/proposals/P-1/review/") > 3 * 5 * 2**20 > body_limit("/proposals/new/")
    assert body_limit("/proposals/P-1/legal/") == body_limit("/proposals/P-1/review/")
    assert body_limit("/proposals/P-1/withdraw/") == body_limit("/proposals/new/")
    office = AppClient(app).login("office")
    office.get("/")
    before = snapshot(app)
    for path, words in (("/proposals/P-NOTE-1/review/", "每项最多 3 个附件"),
                        ("/proposals/new/", "上传文件不能超过")):
        reply = office.django.post(path, {}, CONTENT_LENGTH=str(1 << 30))
        assert reply.status_code == 413, path
        assert words in reply.content.decode("utf-8")
    assert snapshot(app) == before
