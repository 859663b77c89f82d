"""People in Debian's chromium (Playwright) against a real ``duty serve``: one browser
context each, logged in through the log-in page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import ACCOUNTS, Server


def launch(playwright: Any, chromium: str) -> Any:
    """Headless chromium without a sandbox or background traffic (no browser is downloaded)."""
    return playwright.chromium.launch(executable_path=chromium, headless=True, args=[
        "--no-sandbox", "--disable-background-networking"])


def log_in(page: Any, server: Server, username: str, password: str) -> None:
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


class Person:
    """One user in a browser context of their own (``password``: other than the test
    account's)."""

    def __init__(self, browser: Any, server: Server, username: str, shots: Path,
                 password: str | None = None) -> None:
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280,
                                                                     "height": 900})
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.server, self.username, self.shots = server, username, shots
        log_in(self.page, server, username, password or ACCOUNTS[username][1])

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def role(self, role: str) -> None:
        self.page.goto(self.server.url + "/role/")
        self.page.click(f"button[value='{role}']")

    def open(self, pid: str) -> None:
        self.page.goto(f"{self.server.url}/proposals/{pid}/")

    def state(self) -> str:
        return str(self.page.get_attribute("#state", "data-state"))
