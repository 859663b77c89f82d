"""The county is never left without an active administrator: refused on the account pages,
nothing changed; a password reset on the command line is changed at the web's log-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        # with a second administrator, the first may go (its own session ends with it)
        assert admin.post("/accounts/user/office/", {"roles": ["admin"]}).status_code == 302
        second = login("office")
        second.post("/role/", {"role": "admin"})
        assert admin.post("/accounts/user/admin/disable/").status_code == 302
        assert admin.get("/accounts/").status_code == 302  # the disabled account's session ended
        # now "office" is the last administrator: refused
        before = state()
        last = second.post("/accounts/user/office/disable/")
        assert last.status_code == 409 and "只剩账号 office 一个管理员" in last.content.decode()
        assert state() == before
        assert verified()


def test_a_reset_on_the_command_line_is_changed_at_the_web_log_in(tmp_path: Path,
                                                                   monkeypatch: Any) -> None:
    """`duty user reset-password` and the web's button are one engine function: the web asks
    the account for a new password before anything else, whichever door reset it."""
    import json

    from django.test import Client

    from tests.conftest import run_cli

    with web_site(tmp_path) as login:
        from engine.store.config import store_target
        from engine.store.session import close
        from engine.workflow.accounts import issue_token
        from engine.workflow.names import RoleKind
        from engine.workflow.roles import Actor, Clock, Role
        from engine.workflow.stores import open_keyed

        store = open_keyed(store_target())
        try:
            token = issue_token(store, Actor("admin", Role(RoleKind.admin)), Clock.real(),
                                "admin").token
        finally:
            close(store)
        monkeypatch.setenv("DUTY_TOKEN", token)
        run = run_cli("user", "reset-password", "county", "--format", "json")
        assert run.code == 0, run.stderr
        temporary = json.loads(run.stdout)["token"]
        client = Client()
        assert client.post("/login/", {"username": "county",
                                       "password": temporary}).status_code == 302
        assert client.get("/")["Location"] == "/password/"
        assert client.get("/overview/")["Location"] == "/password/"
        assert "须修改密码" in login("admin").get("/accounts/").content.decode()
        done = client.post("/password/", {"old_password": temporary,
                                          "new_password1": "County-Own-Pass-5",
                                          "new_password2": "County-Own-Pass-5"})
        assert done.status_code == 302
        assert client.get("/").status_code == 200
        assert verified()
