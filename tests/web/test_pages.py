"""The pages themselves: the upload and its preview (the same result as ``duty evaluate``),
bad uploads named in Chinese, throttled log-in, password change, account administration
through the audit chain, headers and cookies, error pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, proposal, write_yaml
from tests.web.conftest import ACCOUNTS, AppClient, Server, snapshot


def upload(c: AppClient, path: str, name: str, content: bytes, do: str = "preview") -> str:
    """POST a multipart form with the file and the CSRF token; the page's text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(path, {"do": do, "mode": "hand_over", "urgency": "normal", "funding": "0",
                         "staff": "0", "item_kind": "new",
                         "upload": SimpleUploadedFile(name, content, "application/x-yaml")}).text


def _file(tmp: Path, **changes: object) -> Path:
    data = proposal(**{"legal_review": "pending", "hearing": None, "meeting": None,
                       "id": "P-UP-1", "streets": ["S01", "S04"], **changes})
    return write_yaml(tmp / "p.yaml", data)


def test_upload_preview_is_what_duty_evaluate_says(web_app: Server,
                                                   tmp_path: Path) -> None:
    # the preview is the review's evaluation, where the steps to come go well: the same input
    path = _file(tmp_path, legal_review="passed", hearing={"S01": "agree", "S04": "agree"},
                 meeting={"body": "区政府常务会议", "ref": "2026年第1次", "decided": True})
    before = snapshot(web_app)
    page = upload(AppClient(web_app).login("fire"), "/proposals/new/", "p.yaml",
                  path.read_bytes())
    assert snapshot(web_app) == before  # a preview stores nothing
    run = subprocess.run([sys.executable, "-m", "engine.cli", "evaluate", str(path),
                          "--format", "json", "--db", web_app.env["DUTY_DB"]],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    expected = json.loads(run.stdout)
    from engine.vocab import label

    assert f"data-verdict=\"{expected['verdict']}\">{label(expected['verdict'])}" in page
    for street in expected["streets"]:
        assert f"<td>{street['name']}</td><td class=\"t-" in page, street["street"]
    rules = re.findall(r"（规则 ([A-Z0-9-]+)）", page)
    assert rules == [f["rule"] for f in expected["findings"]]


@pytest.mark.parametrize(("content", "expected"), [
    (b"id: [unclosed\n", "YAML 格式错误"),
    (b"schema_version: 1\nid: !!python/object/apply:os.system [echo]\n", "应为文字"),
    (b"schema_version: 1\nid: P-1\ntitle: t\ndepartment: fire_rescue\nitem: {ref: NOPE}\n"
     b"mode: hand_over\nbogus: 1\n", "bogus"),
])
def test_bad_upload_is_named_next_to_the_field(web_app: Server, content: bytes,
                                               expected: str) -> None:
    c = AppClient(web_app).login("fire")
    before = snapshot(web_app)
    page = upload(c, "/proposals/new/", "bad.yaml", content, do="submit")
    assert snapshot(web_app) == before
    errors = " ".join(re.findall(r'<p class="field-error">([^<]*)</p>', page))
    assert expected in errors, page[-3000:]
    assert "Traceback" not in page and "/tmp/" not in page


def test_oversized_upload_is_refused(web_app: Server) -> None:
    c = AppClient(web_app).login("fire")
    before = snapshot(web_app)
    page = upload(c, "/proposals/new/", "big.yaml", b"# " + b"x" * (300 * 1024) + b"\n")
    assert snapshot(web_app) == before
    assert "文件过大" in page or "请求有误" in page


def test_form_errors_sit_next_to_their_field(web_app: Server) -> None:
    c = AppClient(web_app).login("fire")
    reply = c.post("/proposals/new/", {"id": "坏 编号", "title": "", "mode": "hand_over",
                                       "urgency": "normal", "funding": "0", "staff": "0",
                                       "item_kind": "new", "department": "fire_rescue",
                                       "do": "preview"})
    assert reply.status == 400
    block = reply.text.split('id="field-id"', 1)[1].split("</div>", 1)[0]
    assert "编号只能由英文字母" in block


def test_login_is_throttled(web_app: Server) -> None:
    c = AppClient(web_app)
    c.get("/login/")
    for _ in range(5):
        assert c.post("/login/", {"username": "county", "password": "wrong"}).status in (200,
                                                                                          429)
    reply = c.post("/login/", {"username": "county", "password": ACCOUNTS["county"][1]})
    assert reply.status == 429 and "暂时锁定" in reply.text


def test_password_change(web_app: Server) -> None:
    c = AppClient(web_app).login("justice")
    new = "justice-Changed-2"
    reply = c.post("/password/", {"old_password": ACCOUNTS["justice"][1],
                                  "new_password1": new, "new_password2": new})
    assert reply.status == 302
    other = AppClient(web_app)
    other.get("/login/")
    assert other.post("/login/", {"username": "justice", "password": new}).status == 302
    assert c.post("/password/", {"old_password": new, "new_password1": ACCOUNTS["justice"][1],
                                 "new_password2": ACCOUNTS["justice"][1]}).status == 302


def test_admin_adds_and_disables_accounts_through_the_audit_chain(
        web_app: Server) -> None:
    admin = AppClient(web_app).login("admin")
    page = admin.get("/admin/auth/user/")
    assert page.status == 200 and "添加账号" in page.text and "lang=\"zh-hans\"" in page.text
    reply = admin.post("/admin/auth/user/add-account/", {
        "username": "clerk2", "password": "clerk-Secret-22", "roles": "department:health"})
    assert reply.status == 302, reply.text[-2000:]
    state = snapshot(web_app)
    entries = state["duty_audit"]
    assert any("'user_add'" in e and "clerk2" in e for e in entries)
    newcomer = AppClient(web_app)
    newcomer.get("/login/")
    assert newcomer.post("/login/", {"username": "clerk2",
                                     "password": "clerk-Secret-22"}).status == 302
    assert newcomer.get("/proposals/new/").status == 200
    assert snapshot_user(web_app, "clerk2") == ("clerk2", True)
    pk = _user_pk(web_app, "clerk2")
    reply = admin.post("/admin/auth/user/", {"action": "disable", "_selected_action": str(pk),
                                             "index": "0"})
    assert reply.status == 302
    assert snapshot_user(web_app, "clerk2") == ("clerk2", False)
    assert newcomer.get("/").status == 302  # the session of a disabled account ends


def _user_pk(server: Server, username: str) -> int:
    from django.contrib.auth import get_user_model

    from engine.store.session import close, transaction
    from engine.workflow.stores import open_keyed

    store = open_keyed(server.target())
    try:
        with transaction(store, write=False):
            return int(get_user_model().objects.get(username=username).pk)
    finally:
        close(store)


def snapshot_user(server: Server, username: str) -> tuple[str, bool]:
    for name, active, _ in snapshot(server)["users"]:
        if name == username:
            return name, active
    raise AssertionError(username)


def test_headers_cookies_and_error_pages(web_app: Server) -> None:
    c = AppClient(web_app)
    login = c.get("/login/")
    csp = login.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and login.headers["X-Frame-Options"] == "DENY"
    assert login.cookies and all(m["samesite"] == "Lax" and m["httponly"]
                                 for m in login.cookies.values())
    c.login("office")
    assert c.django.cookies["sessionid"]["httponly"]
    missing = c.get("/no/such/page/")
    assert missing.status == 404 and "页面不存在" in missing.text
    static = c.get("/static/web/duty.css")
    assert static.status == 200 and "font-family" in static.text
    assert "<script src=\"/static/django_htmx/htmx-2.min.js\"" in c.get("/").text
