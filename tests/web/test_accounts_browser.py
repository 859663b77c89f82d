"""In a browser (Debian's chromium, a real `duty serve`): the admin creates accounts from a CSV
file, a new account is made to change its temporary password at its first log-in, the admin
resets a password and the account is made to change it again (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Server
from tests.web.test_walkthrough import Person, browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser  # the browser fixture requires chromium (fails under CI)

CSV = ("账号,姓名,角色,部门/街道\n"
       "xh-sun,孙丽,街道,新华街道\n"
       "tj-zhou,周平,职能部门,区统计局\n").encode("gb18030")


def log_in(browser: Any, server: Server, username: str, password: str) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    return page


def passwords(page: Any) -> dict[str, str]:
    page.wait_for_selector("#temporary-passwords")
    rows = page.locator("#temporary-passwords tbody tr")
    return {rows.nth(i).locator("td.account").inner_text():
            rows.nth(i).locator("code.password").inner_text() for i in range(rows.count())}


def change(page: Any, server: Server, old: str, new: str) -> None:
    """The forced password page, first; no other page opens before the change."""
    page.wait_for_selector("#must-change")
    page.goto(server.url + "/proposals/")
    assert page.url.endswith("/password/")
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    page.click("section.narrow button[type=submit]")
    page.wait_for_selector("ul.messages")
    assert not page.url.endswith("/password/")


def walk(browser: Any, server: Server, shots: Path) -> None:  # noqa: F811
    shots.mkdir()
    admin = Person(browser, server, "admin", shots)
    page = admin.page
    page.click("#accounts-link")
    page.click("#import-accounts")
    page.set_input_files("#id_file", files=[{"name": "账号.csv", "mimeType": "text/csv",
                                             "buffer": CSV}])
    page.click("#import-button")
    issued = passwords(page)
    assert sorted(issued) == ["tj-zhou", "xh-sun"]
    admin.shot("01-imported")
    page.click("#back-to-accounts")
    row = page.locator("#accounts tr[data-account='xh-sun']")
    assert "新华街道（街道）" in row.inner_text() and "须修改密码" in row.inner_text()
    admin.shot("02-accounts")

    street = log_in(browser, server, "xh-sun", issued["xh-sun"])
    change(street, server, issued["xh-sun"], "Xinhua-Sun-2026")
    street.context.close()

    page.goto(server.url + "/accounts/")
    page.locator("#accounts tr[data-account='xh-sun'] button.reset").click()
    reset = passwords(page)["xh-sun"]
    admin.shot("03-reset")
    street = log_in(browser, server, "xh-sun", reset)
    street.screenshot(path=str(shots / "04-must-change.png"), full_page=True)
    change(street, server, reset, "Xinhua-Sun-2027")
    assert "待办" in street.inner_text("header")
    street.screenshot(path=str(shots / "05-changed.png"), full_page=True)
    street.context.close()
    admin.context.close()


def test_accounts_from_a_csv_then_a_reset_sqlite(browser: Any, sqlite_server: Server,  # noqa: F811
                                                 tmp_path: Path) -> None:
    walk(browser, sqlite_server, tmp_path / "screenshots")


def test_accounts_from_a_csv_then_a_reset_postgresql(browser: Any,  # noqa: F811
                                                     pg_server: Server,
                                                     tmp_path: Path) -> None:
    walk(browser, pg_server, tmp_path / "screenshots")
