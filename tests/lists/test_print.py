"""A street's HTML lists printed to PDF in headless Chromium: rows from the first page on,
every page holding rows, page numbers at the foot, short columns on one line."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from engine.lists.build import build_lists
from engine.loading.workspace import load_workspace
from engine.models.lists import CountyLists, StreetLists
from engine.render.lists_files import render_lists
from tests.lists.pdf_text import Pdf
from tests.services import require_chromium

pytestmark = pytest.mark.browser
STREET = "S01"
CODE = re.compile(r"[A-Z]{2,}-\d{3}")  # an item code: the mark of a row
A4_LANDSCAPE_CONTENT_PX = 1032  # 297 mm less 2 × 12 mm margins, at 96 px per inch


@pytest.fixture(scope="module")
def browser() -> Any:
    chromium = require_chromium()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def county() -> tuple[CountyLists, dict[str, str]]:
    ws = load_workspace()
    return build_lists(ws), ws.names


def _street(county: tuple[CountyLists, dict[str, str]]) -> StreetLists:
    return next(s for s in county[0].streets if s.street == STREET)


def _document(county: tuple[CountyLists, dict[str, str]], street: StreetLists) -> str:
    lists, names = county
    # with the catalogue codes, which the PDF's text gives back exactly (names may come
    # out with radicals in place of some characters)
    text = render_lists(lists.model_copy(update={"streets": [street], "departments": []}),
                        names, "html", with_rules=True)
    assert isinstance(text, str)
    return text


def _print(browser: Any, html: str, tmp_path: Path) -> list[str]:
    """The text of each printed page (compatibility forms folded)."""
    page_file = tmp_path / "lists.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        pdf = Pdf(page.pdf(prefer_css_page_size=True))
    finally:
        page.close()
    return [unicodedata.normalize("NFKC", pdf.text(p)) for p in pdf.pages()]


def _numbered(pages: list[str]) -> None:
    for i, text in enumerate(pages, 1):  # the page-number glyph (页) may come out as a radical
        assert re.search(f"第 {i} .,共 {len(pages)} .", text), (i, text[:80])  # NFKC: ，→,


def test_a_street_prints_rows_from_its_first_page(browser: Any, county: Any,
                                                  tmp_path: Path) -> None:
    street = _street(county)
    pages = _print(browser, _document(county, street), tmp_path)
    rows = [*street.basic, *street.cooperative, *street.recalled]
    assert len(rows) > 60  # many pages' worth
    assert rows[0].item in pages[0] and rows[1].item in pages[0]
    assert all(CODE.search(text) for text in pages)  # no page without rows
    found = [code for text in pages for code in CODE.findall(text)]
    assert [c for c in found if c in {r.item for r in rows}] == [r.item for r in rows]
    assert 2 <= len(pages) <= len(rows) // 4  # several rows a page, not one a page
    _numbered(pages)


def test_a_street_with_one_row_prints_on_one_page(browser: Any, county: Any,
                                                  tmp_path: Path) -> None:
    street = _street(county)
    one = street.model_copy(update={"basic": street.basic[:1], "cooperative": [],
                                    "recalled": [], "not_applying": []})
    pages = _print(browser, _document(county, one), tmp_path)
    assert len(pages) == 1 and one.basic[0].item in pages[0]
    _numbered(pages)


def test_short_columns_stay_on_one_line(browser: Any, county: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "lists.html"
    page_file.write_text(_document(county, _street(county)), encoding="utf-8")
    page = browser.new_page(viewport={"width": A4_LANDSCAPE_CONTENT_PX, "height": 700})
    try:
        page.emulate_media(media="print")
        page.goto(page_file.as_uri())
        lines, widest = page.evaluate("""() => {
            const lines = [];
            for (const cell of document.querySelectorAll('.nw')) {
                const range = document.createRange();
                range.selectNodeContents(cell);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                lines.push(tops.size);
            }
            const widest = Math.max(...[...document.querySelectorAll('table')]
                .map(t => t.getBoundingClientRect().width));
            return [lines, widest];
        }""")
    finally:
        page.close()
    assert lines and max(lines) == 1
    assert widest <= A4_LANDSCAPE_CONTENT_PX
