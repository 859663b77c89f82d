"""Amounts, workloads and counts have documented ranges: a value outside is a clear data
error at load (file, line, field, the limit), never an overflow in a report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI, run_cli


@pytest.mark.parametrize(("old", "new", "limit"), [
    ("workload_days: 120", "workload_days: " + "9" * 3999, None),
    ("workload_days: 120", "workload_days: 36501", "36500"),
    ("population: ", None, "100000000"),
])
def test_a_value_out_of_range_is_a_data_error(tmp_path: Path, old: str, new: str | None,
                                              limit: str | None) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    path = county / "county.yaml"
    text = path.read_text(encoding="utf-8")
    if new is None:  # the first population, far too large
        head, _, tail = text.partition(old)
        text = head + old + "100000001" + tail[tail.index("\n"):]
    else:
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    run = run_cli("report", "staffing", "--county", county)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "county.yaml" in run.stderr and "E-INTERNAL" not in run.stderr
    if limit:
        assert limit in run.stderr
