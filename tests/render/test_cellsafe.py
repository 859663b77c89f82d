"""Spreadsheet-safe cells: formula neutralisation, Excel's cell limit, sheet names."""

from __future__ import annotations

import csv
import io

import pytest

from engine.render.cellsafe import (
    CUT_MARKER,
    EXCEL_CELL_CHARS,
    csv_text,
    csv_unquote,
    csv_writer,
    cut,
    risky,
    sheet_title,
)


@pytest.mark.parametrize("text", ["=1+2", "@SUM(A1)", "-2+3", "+86 10", "\tx", "\r=1",
                                  "=HYPERLINK(\"http://x\")", "-", "--", "-5e3", "-1,2"])
def test_text_that_could_run_is_risky_and_gets_a_quote(text: str) -> None:
    assert risky(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "街道职责", "1+2", " =1", "＝1", "-5", "-2.5",
                                  "-1,200", "-1,200.50", "'abc"])
def test_ordinary_text_and_plain_negative_numbers_stay(text: str) -> None:
    assert not risky(text)
    assert csv_text(text) == text


@pytest.mark.parametrize(("text", "cell"), [
    ("=1", "'=1"), ("'=1", "''=1"), ("''=1", "'''=1"), ("'abc", "'abc"), ("'", "'"),
    ("''", "''"), ("'-5", "'-5"), ("-5", "-5"), ("'-2+3", "''-2+3"), ("", ""), ("街道", "街道")])
def test_a_csv_cell_reads_back_as_written(text: str, cell: str) -> None:
    """One quote more only where the text, behind its own quotes, could run; reading takes
    exactly that one off."""
    assert csv_text(text) == cell
    assert csv_unquote(cell) == text


def test_numbers_pass_through() -> None:
    out = io.StringIO()
    csv_writer(out).writerow([-5, 1200, 2.5, "-5", "=1", "", 2 ** 70])
    assert out.getvalue() == "-5,1200,2.5,-5,'=1,,1180591620717411303424\r\n"


def test_long_text_is_cut_with_a_marker() -> None:
    assert cut("短") == "短"
    exact = "字" * EXCEL_CELL_CHARS
    assert cut(exact) == exact
    long = cut("字" * (EXCEL_CELL_CHARS + 10))
    assert len(long) == EXCEL_CELL_CHARS and long.endswith(CUT_MARKER)
    quoted = csv_text("=" + "字" * EXCEL_CELL_CHARS)
    assert len(quoted) == EXCEL_CELL_CHARS and quoted.startswith("'=")
    assert quoted.endswith(CUT_MARKER)


def test_the_writer_reads_back_inert() -> None:
    buf = io.StringIO()
    csv_writer(buf).writerows([["=1+2", "@SUM(A1)", "-2+3", "-5", 7, "a,b"]])
    assert buf.getvalue().endswith("\r\n")
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == [
        "'=1+2", "'@SUM(A1)", "'-2+3", "-5", "7", "a,b"]


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("东门街道基本履职事项清单", [], "东门街道基本履职事项清单"),
    ("a[b]:c*d?e/f\\g", [], "a_b__c_d_e_f_g"),
    ("  ", [], "工作表"),
    ("'引号'", [], "引号"),
    ("History", [], "History（2）"),
    ("history", [], "history（2）"),
    ("清单", ["清单"], "清单（2）"),
    ("ABC", ["abc", "ABC（2）"], "ABC（3）"),
    ("很" * 40, [], "很" * 31),
    ("很" * 40, ["很" * 31], "很" * 28 + "（2）"),
])
def test_sheet_titles(name: str, taken: list[str], expected: str) -> None:
    title = sheet_title(name, taken)
    assert title == expected
    assert len(title) <= 31


def test_sheet_titles_are_unique_in_sequence() -> None:
    taken: list[str] = []
    for _ in range(12):
        taken.append(sheet_title("区民政局经费" * 6, taken))
    assert len({t.casefold() for t in taken}) == 12
    assert all(len(t) <= 31 for t in taken)
