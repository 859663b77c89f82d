"""In a browser, on a real `duty serve` (two workers) of a copy of the sample county: the
office uploads a published 政务服务事项目录 (tests/data/real_rows), corrects one row's category
in place, and confirms; the county directory holds the imported catalogue and the audit
record names the office."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.paths import sample_county
from tests.conftest import ROOT
from tests.web.browser import Person
from tests.web.conftest import Server, start, stop
from tests.web.test_import_page import audit

pytestmark = pytest.mark.browser  # the browser fixture requires chromium (fails under CI)

BOOK = ROOT / "tests" / "data" / "real_rows" / "guangan_service.csv"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    county = tmp_path / "county"
    shutil.copytree(sample_county(), county)
    server = start(tmp_path, {"DUTY_DB": str(tmp_path / "duty.db"), "DUTY_COUNTY": str(county)})
    yield server
    stop(server)


def test_the_office_imports_a_service_catalogue(browser: Any, served: Server,
                                                tmp_path: Path) -> None:
    office = Person(browser, served, "office", tmp_path / "shots")
    page = office.page
    page.click("text=导入目录")
    page.set_input_files("#id_files", str(BOOK))
    page.click("#do-upload")
    page.wait_for_selector("#items")
    assert "部门自行履行" in page.inner_text("#import-summary")
    first = page.locator("#items tr[id^=row-]").first
    item = str(first.get_attribute("id"))[len("row-"):]
    first.locator("summary").click()
    first.locator("select[name=category]").select_option("assisting")
    first.locator("form[id^=fix-] button[type=submit]").click()
    page.wait_for_selector(f"#row-{item}.corrected")  # the report, made again, in place
    office.shot("import-review")
    assert "协助管理" in page.inner_text(f"#row-{item} .f-category")
    page.click("#do-confirm")  # the confirmation dialog is accepted
    page.wait_for_selector("text=已导入县区事项目录")
    catalogue = (tmp_path / "county" / "items" / "catalogue.yaml").read_text(encoding="utf-8")
    assert item in catalogue and "category: assisting" in catalogue
    entries = audit(served, "county_import")
    assert len(entries) == 1 and entries[0]["account"] == "office"
    assert entries[0]["detail"]["files"][0]["name"] == BOOK.name
    # every worker serves the new catalogue: the lists page of a kept item's department
    page.goto(served.url + "/import/")
    assert page.locator("#pending-import").count() == 0
    office.context.close()
