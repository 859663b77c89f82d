"""The account pages, in process: the administrator lists accounts (names and roles in Chinese,
never a hash), adds one, imports a CSV file (every bad row named, nothing created), gives
more roles, disables, enables, unlocks and resets a password (shown once, changed at the next
log-in before anything else); the county keeps an administrator; bad input is refused next to
its field and changes nothing; every change is an audit entry and the record stays whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import ACCOUNTS
from tests.web.inprocess import web_site

GOOD_CSV = ("账号,姓名,角色,部门/街道,备注\n"
            "jfl-zhang,张明,街道,解放路街道,\n"
            "fire-li,李华,职能部门,区消防救援大队,消防\n"
            "s02-wang,王芳,街道（镇、乡）,S02,\n"
            "bb-zhao,赵强,县委编办,,\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with web_site(tmp_path_factory.mktemp("accounts")) as login:
        yield login


def state() -> tuple[Any, ...]:
    """What the pages may change: accounts (name, active, password hash), role bindings,
    seals, tokens and the audit chain."""
    from django.contrib.auth import get_user_model

    from engine.store.orm import m

    users = sorted((u.username, u.first_name, u.is_active, u.password)
                   for u in get_user_model().objects.all())
    return (users, sorted(m.RoleBinding.objects.values_list("user__username", "role")),
            m.AccountSeal.objects.count(), m.ApiToken.objects.count(),
            m.AuditEntry.objects.count())


def field(page: str, name: str) -> str:
    """The block of one form field (its input and the errors shown next to it)."""
    found = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)'
                      r'(?=<div class="field|<p class="buttons"|</form>)', page, re.S)
    assert found, name
    return found.group(1)


def last_actions(count: int) -> list[str]:
    from engine.store.orm import m

    return [e.action for e in m.AuditEntry.objects.order_by("-seq")[:count]][::-1]


def verified() -> bool:
    from engine.store.config import store_target
    from engine.store.session import close
    from engine.store.verify import verify_store
    from engine.workflow.stores import open_keyed

    store = open_keyed(store_target())
    try:
        return verify_store(store, []).intact
    finally:
        close(store)


def log_in(account: str, password: str) -> Any:
    """A browser that logs in through the log-in page (not forced: the password is checked)."""
    from django.test import Client

    client = Client()
    reply = client.post("/login/", {"username": account, "password": password})
    assert reply.status_code == 302, reply.content.decode()[:500]
    return client


def temporary_passwords(page: str) -> dict[str, str]:
    return dict(re.findall(r'<td class="account">([^<]+)</td><td><code class="password">'
                           r'([^<]+)</code>', page))


def test_the_list_shows_names_and_roles_in_chinese_and_no_hash(site: Any) -> None:
    admin = site("admin")
    page = admin.get("/accounts/").content.decode()
    assert 'id="accounts"' in page and 'id="new-account"' in page
    assert "区消防救援大队（职能部门）" in page and "解放路街道（街道）" in page
    assert "账号管理员" in page and "县委编办" in page
    for raw in ("argon2", "department:", "street:", "pbkdf2"):
        assert raw not in page, raw
    # the 编办 reads the list without a single button
    office = site("office").get("/accounts/")
    text = office.content.decode()
    assert office.status_code == 200 and 'id="read-only"' in text
    assert "<form method=\"post\" action=\"/accounts/" not in text
    assert 'id="new-account"' not in text
    # the account's own page, by name
    one = admin.get("/accounts/user/fire/").content.decode()
    assert "区消防救援大队（职能部门）" in one and "argon2" not in one
    assert admin.get("/accounts/user/nobody/").status_code == 404
    # nor does Django's own admin show a password's hash
    from django.contrib.auth import get_user_model

    pk = get_user_model().objects.get(username="fire").pk
    django_admin = admin.get(f"/admin/auth/user/{pk}/change/")
    assert django_admin.status_code == 200 and "argon2" not in django_admin.content.decode()


def test_a_new_account_and_bad_input_next_to_its_field(site: Any) -> None:
    admin = site("admin")
    before = state()
    form = {"username": "new-clerk", "name": "钱进", "roles": ["street:S03"]}
    weak = admin.post("/accounts/new/", {**form, "password": "1234567890"})
    assert weak.status_code == 400
    assert "field-error" in field(weak.content.decode(), "password")
    taken = admin.post("/accounts/new/", {**form, "username": "fire",
                                          "password": "Long-enough-9x"})
    assert taken.status_code == 400 and "已存在" in field(taken.content.decode(), "username")
    spaced = admin.post("/accounts/new/", {**form, "username": "new clerk"})
    assert spaced.status_code == 400 and "不可用" in field(spaced.content.decode(), "username")
    unknown = admin.post("/accounts/new/", {**form, "roles": ["street:S99"]})
    assert unknown.status_code == 400 and "field-error" in field(unknown.content.decode(),
                                                                  "roles")
    none = admin.post("/accounts/new/", {**form, "roles": []})
    assert none.status_code == 400 and "至少选择一个角色" in field(none.content.decode(), "roles")
    assert state() == before
    # a password the administrator chose: accepted, and temporary
    done = admin.post("/accounts/new/", {**form, "password": "Qian-Jin-2026x"})
    assert done.status_code == 302 and done["Location"] == "/accounts/"
    assert last_actions(1) == ["user_add"]
    page = admin.get("/accounts/").content.decode()
    assert "钱进" in page and "新华街道（街道）" in page and "须修改密码" in page
    clerk = log_in("new-clerk", "Qian-Jin-2026x")
    assert clerk.get("/").headers["Location"] == "/password/"
    # no password given: a temporary one, shown once, on a page no cache keeps
    shown = admin.post("/accounts/new/", {"username": "new-clerk2", "name": "",
                                          "roles": ["office", "justice"], "password": ""})
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    temporary = temporary_passwords(shown.content.decode())["new-clerk2"]
    assert len(temporary) >= 12
    assert log_in("new-clerk2", temporary).get("/proposals/")["Location"] == "/password/"
    assert verified()


def test_a_reset_password_must_be_changed_before_anything_else(site: Any) -> None:
    admin = site("admin")
    reply = admin.post("/accounts/user/urban/reset/")
    assert reply.status_code == 200 and reply["Cache-Control"] == "no-store"
    temporary = temporary_passwords(reply.content.decode())["urban"]
    assert last_actions(1) == ["password_reset"]
    from django.test import Client

    old = Client().post("/login/", {"username": "urban", "password": ACCOUNTS["urban"][1]})
    assert old.status_code == 200  # the old password no longer works
    urban = log_in("urban", temporary)
    for path in ("/", "/proposals/", "/lists/", "/proposals/new/", "/role/"):
        assert urban.get(path)["Location"] == "/password/", path
    page = urban.get("/password/")
    assert page.status_code == 200 and 'id="must-change"' in page.content.decode()
    weak = urban.post("/password/", {"old_password": temporary, "new_password1": "1234567890",
                                     "new_password2": "1234567890"})
    assert weak.status_code == 200 and "errorlist" in weak.content.decode()
    assert urban.get("/")["Location"] == "/password/"
    new = "Urban-Own-Pass-7"
    done = urban.post("/password/", {"old_password": temporary, "new_password1": new,
                                     "new_password2": new})
    assert done.status_code == 302
    assert last_actions(1) == ["password_set"]
    assert urban.get("/").status_code == 200
    assert log_in("urban", new).get("/").status_code == 200
    assert "须修改密码" not in admin.get("/accounts/user/urban/").content.decode()
    assert verified()


def test_a_temporary_password_used_twice_or_too_late_is_refused(site: Any,
                                                                   monkeypatch: Any) -> None:
    """A temporary password opens the account once, to set its own; after
    ``TEMPORARY_HOURS`` it opens nothing, with its own reason on the log-in page, and a new
    reset gives the account a way back. The refusals change nothing."""
    from datetime import timedelta

    from django.test import Client

    from engine.web.views import account
    from engine.workflow.accounts import TEMPORARY_HOURS
    from engine.workflow.roles import Clock

    admin = site("admin")
    temporary = temporary_passwords(
        admin.post("/accounts/user/street/reset/").content.decode())["street"]
    first = log_in("street", temporary)
    new = "Street-Own-Pass-8"
    assert first.post("/password/", {"old_password": temporary, "new_password1": new,
                                     "new_password2": new}).status_code == 302
    before = state()
    again = Client().post("/login/", {"username": "street", "password": temporary})
    assert again.status_code == 200 and 'id="login-error"' in again.content.decode()
    assert "账号或密码不正确" in again.content.decode()
    assert state() == before

    temporary = temporary_passwords(
        admin.post("/accounts/user/street/reset/").content.decode())["street"]
    later = Clock.real().now + timedelta(hours=TEMPORARY_HOURS, minutes=1)
    monkeypatch.setattr(account, "clock", lambda: Clock(later))
    before = state()
    browser = Client()
    late = browser.post("/login/", {"username": "street", "password": temporary})
    assert late.status_code == 200
    assert "临时密码已超过 72 小时的有效期" in late.content.decode()
    assert "_auth_user_id" not in browser.session
    assert state() == before
    monkeypatch.undo()  # within the time, the same password still opens the account
    second = log_in("street", temporary)
    assert second.get("/")["Location"] == "/password/"
    assert second.post("/password/", {"old_password": temporary, "new_password1": new + "9",
                                      "new_password2": new + "9"}).status_code == 302
    assert verified()


def test_disable_enable_unlock_and_more_roles(site: Any) -> None:
    from axes.models import AccessAttempt
    from django.test import Client

    admin = site("admin")
    assert admin.post("/accounts/user/s03/disable/")["Location"] == "/accounts/"
    page = admin.get("/accounts/").content.decode()
    assert "账号 s03 已停用" in page
    assert Client().post("/login/", {"username": "s03", "password": ACCOUNTS["s03"][1]}
                         ).status_code == 200
    assert admin.post("/accounts/user/s03/enable/").status_code == 302
    assert last_actions(2) == ["user_disable", "user_enable"]
    log_in("s03", ACCOUNTS["s03"][1])
    # five wrong passwords lock the account at this address; the list says so
    for _ in range(5):
        Client().post("/login/", {"username": "justice", "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username="justice").exists()
    page = admin.get("/accounts/").content.decode()
    assert "登录已锁定" in page and "/accounts/user/justice/unlock/" in page
    assert admin.post("/accounts/user/justice/unlock/").status_code == 302
    assert not AccessAttempt.objects.filter(username="justice").exists()
    assert last_actions(1) == ["lockout_lift"]
    log_in("justice", ACCOUNTS["justice"][1])
    # more roles: by name on the page; a role held already is refused next to the field
    before = state()
    held = admin.post("/accounts/user/county/", {"roles": ["county"]})
    assert held.status_code == 400 and "field-error" in field(held.content.decode(), "roles")
    assert state() == before
    assert admin.post("/accounts/user/county/", {"roles": ["street:S04"]}).status_code == 302
    assert "滨河街道（街道）" in admin.get("/accounts/user/county/").content.decode()
    assert last_actions(1) == ["user_grant"]
    assert verified()


def test_import_accounts_from_a_csv_file(site: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from engine.store.orm import m

    admin = site("admin")
    before = state()
    bad = ("账号,姓名,角色,部门/街道\n"
           "imp-a,甲,街道,解放路街道\n"
           "imp-b,乙,街道,不存在街道\n"       # unknown street
           "imp-a,丙,街道,人民路街道\n"        # twice in the file
           "fire,丁,职能部门,区消防救援大队\n"  # exists already
           "imp-c,戊,处长,\n"                 # unknown role
           "imp-d,己,职能部门,\n"             # which department?
           "imp e,庚,司法局,\n")               # not an account name
    reply = admin.post("/accounts/import/", {
        "file": SimpleUploadedFile("accounts.csv", bad.encode("utf-8"), "text/csv")})
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "没有导入任何账号" in field(page, "file")
    rows = re.findall(r"<tr><td>第 (\d+) 行</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [(line, column) for line, column, _ in rows] == [
        ("3", "部门/街道"), ("4", "账号"), ("5", "账号"), ("6", "角色"), ("7", "部门/街道"),
        ("8", "账号")]
    assert "不存在街道" in rows[0][2] and "第 2 行已出现" in rows[1][2]
    assert "已存在" in rows[2][2]
    assert state() == before
    # a header the importer does not know, and a file that is no CSV
    header = admin.post("/accounts/import/", {
        "file": SimpleUploadedFile("a.csv", "用户,角色\nx,街道\n".encode(), "text/csv")})
    assert header.status_code == 400 and "未知的列" in header.content.decode()
    binary = admin.post("/accounts/import/", {
        "file": SimpleUploadedFile("a.csv", b"\x00\x01PK", "text/csv")})
    assert binary.status_code == 400 and "不是文本文件" in field(binary.content.decode(), "file")
    assert state() == before
    # the good file, as Chinese Excel saves it (GB18030)
    reply = admin.post("/accounts/import/", {
        "file": SimpleUploadedFile("accounts.csv", GOOD_CSV.encode("gb18030"), "text/csv")})
    assert reply.status_code == 200 and reply["Cache-Control"] == "no-store"
    passwords = temporary_passwords(reply.content.decode())
    assert sorted(passwords) == ["bb-zhao", "fire-li", "jfl-zhang", "s02-wang"]
    roles = dict(m.RoleBinding.objects.filter(user__username__in=passwords)
                 .values_list("user__username", "role"))
    assert roles == {"jfl-zhang": "street:S01", "fire-li": "department:fire_rescue",
                     "s02-wang": "street:S02", "bb-zhao": "office"}
    assert last_actions(5) == ["user_import", *["user_add"] * 4]
    listed = admin.get("/accounts/").content.decode()
    assert "张明" in listed and "王芳" in listed
    street = log_in("jfl-zhang", passwords["jfl-zhang"])
    assert street.get("/")["Location"] == "/password/"
    assert verified()
