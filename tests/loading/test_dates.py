"""Dates of force in counties, proposals and scenarios: optional, read as days, and bad ones
refused with the file, the line and the field (nothing is built)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataError, DataErrors, ErrorCode
from engine.loading.workspace import load_workspace
from tests.conftest import MINI, TESTS, run_cli

DATED = TESTS / "fixtures" / "dated"


def _county(tmp_path: Path, old: str, new: str) -> Path:
    """The dated test county with one line of its county.yaml replaced."""
    target = tmp_path / "county"
    shutil.copytree(DATED, target)
    path = target / "county.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line(directory: Path, needle: str) -> int:
    lines = (directory / "county.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


def _error(directory: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load_workspace(directory)
    error = info.value
    errors = error.errors if isinstance(error, DataErrors) else [error]
    assert len(errors) == 1, [e.render() for e in errors]
    return errors[0]


def test_dates_are_read_as_days_and_are_optional() -> None:
    county = load_workspace(DATED).county
    assert county.items["TJ-001"].until == date(2026, 6, 30)
    assert county.items["XF-001"].effective == date(2027, 1, 1)
    assert county.items["MZ-001"].effective is None and county.items["MZ-001"].until is None
    [grant] = county.streets["S03"].granted_powers
    assert (grant.effective, grant.until) == (date(2026, 1, 1), date(2026, 12, 31))
    # a county without dates dumps exactly as before: no date keys at all
    mini = load_workspace(MINI).county
    dumped = mini.model_dump_json()
    for key in ("effective", "until", "handover", "as_of", "held"):
        assert f'"{key}' not in dumped


@pytest.mark.parametrize(("written", "code"), [
    ("2026-13-45", ErrorCode.YAML),   # YAML reads it as a date, and no month 13 exists
    ("2026-02-30", ErrorCode.YAML),
    ("明年六月", ErrorCode.SCHEMA),     # text, not a date
    ("2026-06-30 10:00:00", ErrorCode.SCHEMA),  # a time of day, not a day
    ("20260630", ErrorCode.SCHEMA),   # a number
])
def test_a_date_that_is_no_date_names_file_line_and_field(tmp_path: Path, written: str,
                                                          code: ErrorCode) -> None:
    directory = _county(tmp_path, "    until: 2026-06-30", f"    until: {written}")
    error = _error(directory)
    assert error.code == code
    assert error.location.file is not None and error.location.file.endswith("county.yaml")
    assert error.location.line == _line(directory, f"until: {written}")
    assert error.location.field == "items[3].until"


def test_until_before_effective_is_refused_on_its_field(tmp_path: Path) -> None:
    directory = _county(tmp_path, "    until: 2026-06-30",
                        "    effective: 2026-07-01\n    until: 2026-06-30")
    error = _error(directory)
    assert error.code == ErrorCode.SCHEMA
    assert error.location.line == _line(directory, "until: 2026-06-30")
    assert error.location.field == "items[3].until"
    assert "2026-06-30" in error.message and "2026-07-01" in error.message


def test_a_grant_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    directory = _county(tmp_path, "effective: 2026-01-01, until: 2026-12-31",
                        "effective: 2026-01-01, until: 2025-12-31")
    error = _error(directory)
    assert error.code == ErrorCode.SCHEMA
    assert error.location.field == "streets[2].granted_powers[0].until"
    assert error.location.line == _line(directory, "until: 2025-12-31")


def test_bad_dates_on_the_command_line_exit_with_the_county_data_code(tmp_path: Path) -> None:
    directory = _county(tmp_path, "    until: 2026-06-30", "    until: 2026-13-45")
    run = run_cli("lists", "build", "--county", directory)
    assert run.code == 1 and run.stdout == ""
    assert "[E-YAML]" in run.stderr and "items[3].until" in run.stderr
    assert "Traceback" not in run.stderr
    run = run_cli("lists", "build", "--county", DATED, "--as-of", "2027-02-30")
    assert run.code == 2 and "[E-USAGE]" in run.stderr


def _proposal(tmp_path: Path, extra: str, change: str = "recall") -> Path:
    path = tmp_path / "p.yaml"
    item = "{ref: MZ-001}" if change == "recall" else (
        "{name: 新事项, category: assisting, phases: [report], legal_basis: 某法第一条}")
    mode = "" if change == "recall" else "mode: assist\nresources: {funding: 1000}\n"
    path.write_text(
        "schema_version: 1\nid: P-X\ntitle: 测试\ndepartment: civil_affairs\n"
        f"change: {change}\nstreets: [S02]\nitem: {item}\n{mode}{extra}"
        "work_plan: true\nlegal_review: passed\nhearing: {S02: agree}\n"
        "meeting: {body: 区政府常务会议, ref: 一, decided: true}\n", encoding="utf-8")
    return path


BAD_DATES = [
    ("effective: 2027-01-01\nhandover_until: 2026-12-31\n", "recall", "handover_until",
     "E-SCHEMA", "handover-before-effective"),
    ("handover_until: 2027-13-01\n", "recall", "handover_until", "E-YAML", "not-a-date"),
    ("effective: 2027-01-01\nuntil: 2027-12-31\n", "recall", "until", "E-SCHEMA",
     "until-in-a-recall"),
    ("handover_until: 2027-03-31\n", "admit", "handover_until", "E-SCHEMA",
     "handover-in-an-admission"),
    ("effective: 2027-01-01\nuntil: 2026-01-01\n", "admit", "until", "E-SCHEMA",
     "until-before-effective"),
]


@pytest.mark.parametrize(("extra", "change", "field", "code", "case"), BAD_DATES,
                         ids=[case[-1] for case in BAD_DATES])
def test_bad_dates_in_a_proposal(tmp_path: Path, extra: str, change: str, field: str,
                                 code: str, case: str, golden: Any) -> None:
    path = _proposal(tmp_path, extra, change)
    run = run_cli("evaluate", "--county", MINI, path)
    assert run.code == 1 and run.stdout == ""
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith(f"{field}:"))
    assert f"[{code}] " in run.stderr
    assert f"p.yaml:{line} 字段 {field}：" in run.stderr
    golden(f"errors/loading_dates/{case}.txt", run.stderr)


def test_a_bad_date_in_a_scenario_is_a_usage_error(tmp_path: Path, golden: Any) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "schema_version: 1\nname: 测试\ndescription: 测试\n"
        f"county: {DATED}\n"
        "steps:\n  - proposal: p.yaml\n    as_of: 2027-02-29\n", encoding="utf-8")
    _proposal(tmp_path, "")
    run = run_cli("scenario", "run", scenario)
    assert run.code == 2
    assert "s.yaml:7 字段 steps[0].as_of" in run.stderr and "[E-YAML]" in run.stderr
    golden("errors/loading_dates/scenario-as-of-not-a-date.txt",
           run.stderr.replace(str(DATED), "<dated>"))
