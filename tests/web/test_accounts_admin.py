"""The county is never left without an active administrator, and an administrator does not
disable the account it acts with: refused on the account pages, nothing changed."""

from __future__ import annotations

from pathlib import Path

from tests.web.inprocess import web_site
from tests.web.test_accounts import state, verified


def test_the_county_keeps_an_administrator(tmp_path: Path) -> None:
    with web_site(tmp_path) as login:
        admin = login("admin")
        before = state()
        refused = admin.post("/accounts/user/admin/disable/")
        assert refused.status_code == 409
        assert "只剩账号 admin 一个管理员" in refused.content.decode()
        assert state() == before
        # a second administrator: still, nobody disables the account it acts with
        assert admin.post("/accounts/user/office/", {"roles": ["admin"]}).status_code == 302
        before = state()
        itself = admin.post("/accounts/user/admin/disable/")
        assert itself.status_code == 409 and "自己正在使用的账号" in itself.content.decode()
        assert state() == before
        second = login("office")
        second.post("/role/", {"role": "admin"})
        assert second.post("/accounts/user/admin/disable/").status_code == 302
        assert admin.get("/accounts/").status_code == 302  # the disabled account's session ended
        # now "office" is the last administrator: it cannot disable itself either way
        before = state()
        last = second.post("/accounts/user/office/disable/")
        assert last.status_code == 409 and "只剩账号 office 一个管理员" in last.content.decode()
        assert state() == before
        assert verified()
