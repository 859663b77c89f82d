"""The HTML lists: structure checked directly, and rendered once in headless Chromium."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine.lists.build import build_lists
from engine.loading.workspace import load_workspace
from engine.render.lists_table import sections
from tests.conftest import MINI, run_cli
from tests.services import require_chromium


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.links: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "href" and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.append(value)


def _html(tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "lists.html"
    run = run_cli("lists", "build", "--county", MINI, "--format", "html", "-o", out)
    assert run.code == 0, run.stderr
    return out, out.read_text(encoding="utf-8")


def test_structure(tmp_path: Path) -> None:
    _, text = _html(tmp_path)
    parser = _Counter()
    parser.feed(text)
    lists = build_lists(load_workspace(MINI))
    rows = sum(len(s.basic) + len(s.cooperative) + len(s.recalled) for s in lists.streets)
    header_rows = sum(len(sections(getattr(s, k))) for s in lists.streets
                      for k in ("basic", "cooperative", "recalled"))  # a table per field
    rows += sum(len(s.not_applying) + bool(s.not_applying) for s in lists.streets)
    ledger_rows = sum(len(d.items) + bool(d.items) + len(d.funding_owed) + bool(d.funding_owed)
                      for d in lists.departments)
    assert parser.tags["tr"] == rows + header_rows + ledger_rows
    assert parser.tags["section"] == len(lists.streets) + len(lists.departments)
    assert sorted(link.lstrip("#") for link in parser.links) == sorted(
        i for i in parser.ids if i != "toc")  # every TOC entry points at a section
    assert "<style>" in text and "@page { size: A4" in text
    assert not re.search(r"<(script|link|img)\b", text)  # self-contained
    assert "东门街道履行职责事项清单" in text and "配合履职事项清单" in text


@pytest.mark.browser
def test_renders_and_prints_in_chromium(tmp_path: Path) -> None:
    chromium = require_chromium()
    page, _ = _html(tmp_path)
    pdf = tmp_path / "lists.pdf"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert dom.count("<section") == 9 and "东门街道履行职责事项清单" in dom
    subprocess.run([chromium, *flags, f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000


def test_one_street_has_no_table_of_contents_and_no_break_first(tmp_path: Path) -> None:
    out = tmp_path / "s01.html"
    assert run_cli("lists", "build", "--county", MINI, "--street", "S01", "--format", "html",
                   "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert "<nav" not in text and text.count("<section") == 1
    assert "section:first-of-type { break-before: auto; }" in text
    assert "counter(page)" in text and "counter(pages)" in text  # page numbers in print
    assert '<td class="nw num">1</td>' in text and "<colgroup>" in text


def test_the_index_page_is_styled_and_sums_each_street(tmp_path: Path) -> None:
    out = tmp_path / "all"
    assert run_cli("lists", "build", "--county", MINI, "--all", "--format", "html",
                   "-o", out).code == 0
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "<style>" in text and "@page { size: A4" in text
    lists = build_lists(load_workspace(MINI))
    for s in lists.streets:
        counts = "".join(f'<td class="nw num">{len(getattr(s, k))}</td>'
                         for k in ("basic", "cooperative", "recalled"))
        assert f'<a href="streets/{s.street}.html">{s.name}</a></td>{counts}</tr>' in text
    for d in lists.departments:
        assert f'<a href="departments/{d.department}.html">{d.name}</a>' in text
