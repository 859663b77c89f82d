"""In browsers: 解放路街道 asks to hand an item back on its form, the fire brigade answers, the
office, the justice bureau, the street and the county take the usual steps, and the published
lists carry the item on the street's 上级部门收回事项清单 (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import Person
from tests.web.conftest import Server

pytestmark = pytest.mark.browser  # the browser fixture requires chromium (fails under CI)

PID = "JH-S01-XF-003"


def walk(browser: Any, server: Server, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    people = {name: Person(browser, server, name, shots)
              for name in ("street", "fire", "office", "justice", "county")}
    street, fire, office, justice, county = people.values()

    street.role("street:S01")
    street.page.click("text=申请交回事项")
    street.page.select_option("#id_item", "XF-003")
    street.page.check("input[name=reasons][value=lacks_power]")
    street.page.fill("#id_note", "检查须由消防部门作出")
    street.page.click("#do-street-return")
    street.page.wait_for_selector("#state[data-state=submitted]")
    assert "缺少事项所需的职权" in street.page.inner_text("#street-request")
    street.shot("01-street-request")

    # the office cannot start before the department concerned has answered
    office.open(PID)
    office.page.click("#do-review")
    office.page.wait_for_selector("#refusal")
    assert "须先听取 fire_rescue 的意见" in office.page.inner_text("#refusal")
    assert office.state() == "submitted"

    fire.page.goto(server.url + "/")
    assert PID in fire.page.inner_text("#todo")
    fire.open(PID)
    fire.page.check("#department-opinion-form input[name=opinion][value=agree]")
    fire.page.fill("#department-opinion-form textarea[name=note]", "由区消防救援大队收回")
    fire.page.click("#do-department-opinion")
    fire.page.wait_for_selector("#department-opinion")
    assert "同意" in fire.page.inner_text("#department-opinion")
    fire.shot("02-department-opinion")

    office.open(PID)
    office.page.click("#do-review")
    office.page.wait_for_selector("#state[data-state=legal_review]")
    justice.open(PID)
    justice.page.click("#do-legal-pass")
    justice.page.wait_for_selector("#state[data-state=hearing]")
    street.open(PID)
    street.page.check("#opinion-form input[name=opinion][value=agree]")
    street.page.click("#do-opinion")
    street.page.wait_for_selector("#state[data-state=deliberation]")
    county.open(PID)
    county.page.check("input[name=outcome][value=admit]")
    county.page.fill("input[name=body]", "区政府常务会议")
    county.page.fill("input[name=ref]", "2026年第60次")
    county.page.click("#do-decide")
    county.page.wait_for_selector("#state[data-state=admitted]")
    office.open(PID)
    office.page.click("#do-publish")
    office.page.wait_for_selector("#state[data-state=published]")

    office.page.goto(f"{server.url}/lists/?version=1&street=S01&list=recalled")
    assert office.page.locator("#list-tables tr[data-item='XF-003']").count() == 1
    office.page.goto(f"{server.url}/lists/?version=1&street=S02&list=recalled")
    assert office.page.locator("#list-tables tr[data-item='XF-003']").count() == 0
    office.shot("03-recalled-list-S01")
    for person in people.values():
        person.context.close()


def test_street_return_sqlite(browser: Any, sqlite_server: Server,
                              tmp_path: Path) -> None:
    walk(browser, sqlite_server, tmp_path / "screenshots")


def test_street_return_postgresql(browser: Any, pg_server: Server,
                                  tmp_path: Path) -> None:
    walk(browser, pg_server, tmp_path / "screenshots")
