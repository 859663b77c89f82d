"""Five people in five browsers take one proposal from a department's form to publication;
the published lists then carry the new row on exactly the streets it was admitted for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from engine.render.lists_table import RULES, list_columns
from tests.services import require_chromium
from tests.web.conftest import ACCOUNTS, Server

pytestmark = pytest.mark.browser

PID = "P-WEB-001"
TARGETS = ["S01", "S02"]


@pytest.fixture(scope="module")
def browser() -> Any:
    chromium = require_chromium()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the store is set up and read
    # here (not in the server) with plain blocking calls
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
                "--no-sandbox", "--disable-background-networking"])
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class Person:
    """One user in a browser context of their own."""

    def __init__(self, browser: Any, server: Server, username: str, shots: Path) -> None:
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280,
                                                                     "height": 900})
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.server, self.username, self.shots = server, username, shots
        self.page.goto(server.url + "/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", ACCOUNTS[username][1])
        self.page.click("button[type=submit]")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def role(self, role: str) -> None:
        self.page.goto(self.server.url + "/role/")
        self.page.click(f"button[value='{role}']")

    def open(self, pid: str) -> None:
        self.page.goto(f"{self.server.url}/proposals/{pid}/")

    def state(self) -> str:
        return str(self.page.get_attribute("#state", "data-state"))


def walk(browser: Any, server: Server, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    people = {name: Person(browser, server, name, shots)
              for name in ("fire", "office", "justice", "street", "county")}
    fire, office, justice, street, county = people.values()

    # the department fills in the form, previews the evaluation, submits
    page = fire.page
    page.goto(server.url + "/proposals/new/")
    page.fill("#id_id", PID)
    page.fill("#id_title", "无物业小区消防通道巡查交由街道承担")
    page.fill("#id_item_name", "无物业小区消防通道巡查")
    page.select_option("#id_category", "specialist")
    for phase in ("patrol", "report"):
        page.check(f"input[name=phases][value={phase}]")
    page.fill("#id_legal_basis", "《中华人民共和国消防法》第三十二条")
    page.fill("#id_workload_days", "30")
    for sid in TARGETS:
        page.check(f"input[name=streets][value={sid}]")
    page.select_option("#id_mode", "hand_over")
    page.fill("#id_funding", "20000")
    page.check("#id_work_plan")
    page.click("#preview-button")
    page.wait_for_selector("#preview .decision")
    preview = page.inner_text("#preview")
    from engine.api import county_workspace

    streets = county_workspace(None).county.streets
    head = preview.split("规则")[0]  # streets by name, the targets only
    assert "ASG-SPEC" in preview and streets["S01"].name in head
    assert streets["S03"].name not in head
    fire.shot("01-department-preview")
    page.click("#submit-button")
    page.wait_for_selector("#state")
    assert fire.state() == "submitted"
    fire.shot("02-department-submitted")

    # the office sees it waiting and reviews it
    office.page.goto(server.url + "/")
    assert PID in office.page.inner_text("#todo")
    office.open(PID)
    office.page.click("#do-review")
    office.page.wait_for_selector("#state[data-state=legal_review]")
    office.shot("03-office-reviewed")

    justice.open(PID)
    justice.page.click("#do-legal-pass")
    justice.page.wait_for_selector("#state[data-state=hearing]")
    justice.shot("04-justice-passed")

    # one street account holding both target streets gives each street's opinion
    for n, sid in enumerate(TARGETS):
        street.role(f"street:{sid}")
        street.open(PID)
        street.page.check("input[name=opinion][value=agree]")
        street.page.fill("textarea[name=note]", f"{sid} 同意承担")
        street.page.click("#do-opinion")
        street.page.wait_for_selector("#opinions")
        street.shot(f"05-street-{sid}-opinion")
        assert street.state() == ("hearing" if n == 0 else "deliberation")

    county.open(PID)
    county.page.check("input[name=outcome][value=admit]")
    county.page.fill("input[name=body]", "区委常委会")
    county.page.fill("input[name=ref]", "2026年第12次")
    county.page.click("#do-decide")
    county.page.wait_for_selector("#state[data-state=admitted]")
    county.shot("06-county-admitted")

    office.open(PID)
    office.page.click("#do-publish")
    office.page.wait_for_selector("#state[data-state=published]")
    office.shot("07-office-published")

    # the published list: the new row on exactly the target streets
    office.page.goto(f"{server.url}/lists/?version=1")
    streets = office.page.locator("form[method=get] select[name=street] option").evaluate_all(
        "options => options.map(o => o.value)")
    assert len(streets) == 15
    carrying = []
    for sid in streets:
        office.page.goto(f"{server.url}/lists/?version=1&street={sid}")
        if office.page.locator(f"#list-tables tr[data-item='{PID}']").count():
            carrying.append(sid)
    assert carrying == TARGETS
    office.page.goto(f"{server.url}/lists/?version=1&street=S01&list=cooperative")
    assert "清单版本：第 1 版" in office.page.inner_text("#list-tables .title-block")
    headers = office.page.locator(
        "#list-tables table.list-cooperative thead th").all_inner_texts()
    assert headers == [c.title for c in list_columns("cooperative", True, True) if c != RULES]
    assert office.page.locator("#list-tables tr.domain").count() > 0
    office.shot("08-published-list-S01")
    # changing the version in place swaps the tables together with their title block
    office.page.select_option("select[name=version]", "0")
    office.page.locator("#list-tables .title-block", has_text="清单版本：第 0 版").wait_for()
    assert office.page.locator("#list-tables").count() == 1
    assert office.page.locator("#list-tables table.list-cooperative").count() == 1
    office.page.goto(f"{server.url}/lists/?version=1&dept_list=fire_rescue")
    assert PID in office.page.inner_text("#department-list")
    office.page.goto(f"{server.url}/lists/diff/?from=0&to=1")
    assert office.page.locator("#diff tr").count() == 1 + len(TARGETS)
    office.shot("09-version-diff")
    office.page.goto(f"{server.url}/audit/?verify=1")
    assert "审计记录完好" in office.page.inner_text("#verdict")
    office.page.goto(f"{server.url}/overview/")
    assert office.page.locator("svg").count() == 3
    office.shot("10-overview")
    fire.open(PID)
    fire.shot("11-proposal-page")
    for person in people.values():
        person.context.close()


def test_walkthrough_sqlite(browser: Any, sqlite_server: Server, tmp_path: Path) -> None:
    walk(browser, sqlite_server, tmp_path / "screenshots")


def test_walkthrough_postgresql(browser: Any, pg_server: Server, tmp_path: Path) -> None:
    walk(browser, pg_server, tmp_path / "screenshots")
