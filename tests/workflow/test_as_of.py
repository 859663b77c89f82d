"""`duty lists build --as-of DATE`: the lists as they stood on a day, from the versions the
store published, byte for byte."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import run_cli
from tests.workflow.conftest import Flow
from tests.workflow.test_adjustment import recall, through

FORMATS = ("md", "json", "csv")


def _lists(flow: Flow, *args: str) -> dict[str, str]:
    out = {}
    for fmt in FORMATS:
        run = run_cli("lists", "build", "--county", flow.run_county, "--db", flow.db,
                      "--format", fmt, *args)
        assert run.code == 0, run.stderr
        out[fmt] = run.stdout
    return out


def test_as_of_reproduces_each_published_version_on_its_date(flow: Flow) -> None:
    published = {"2026-03-02": _lists(flow)}  # version 0: the store as created
    flow.now("2026-03-20")
    through(flow, recall(flow, streets=["S02"]), "department:civil_affairs")  # version 1
    published["2026-03-20"] = _lists(flow)
    flow.now("2026-05-11")
    through(flow, recall(flow, id="P-R-2", streets=["S03"]),
            "department:civil_affairs")  # version 2
    published["2026-05-11"] = _lists(flow)
    assert len({v["json"] for v in published.values()}) == 3  # three different lists
    for day, expected in published.items():
        assert _lists(flow, "--as-of", day) == expected, day
    # a day between publications reads the version then in force
    assert _lists(flow, "--as-of", "2026-04-30") == published["2026-03-20"]
    assert _lists(flow, "--as-of", "2027-01-01") == published["2026-05-11"]


def test_as_of_before_the_store_and_bad_dates(flow: Flow) -> None:
    run = run_cli("lists", "build", "--db", flow.db, "--as-of", "2025-12-31")
    assert run.code == 2 and "[E-NOTFOUND]" in run.stderr and "2026-03-02" in run.stderr
    run = run_cli("lists", "build", "--db", flow.db, "--as-of", "2026-3-1x")
    assert run.code == 2 and "YYYY-MM-DD" in run.stderr
    run = run_cli("lists", "build", "--db", flow.db, "--as-of", "2026-03-02", "--version", "0")
    assert run.code == 2


def test_evaluate_as_of_judges_on_the_lists_in_force_that_day(flow: Flow, golden: Any) -> None:
    flow.now("2026-03-20")
    through(flow, recall(flow, streets=["S02"]), "department:civil_affairs")  # version 1
    back = flow.file(id="P-A-9", title="困难群众救助申请受理交由西关街道",
                     department="civil_affairs", streets=["S02"], mode="assist",
                     item={"ref": "MZ-001"}, resources={"funding": 13200},
                     legal_review="passed", hearing={"S02": "agree"},
                     meeting={"body": "区政府常务会议", "ref": "1", "decided": True})

    def verdict(day: str) -> str:
        run = run_cli("evaluate", back, "--county", flow.run_county, "--db", flow.db,
                      "--format", "json", "--as-of", day)
        assert run.code == 0, run.stderr
        version = 1 if day >= "2026-03-20" else 0
        assert f" {flow.target_name} " in run.stderr and f" {version} " in run.stderr
        anchored = re.sub(r"\b\d+:[0-9a-f]{16,}:[0-9a-f]{16,}\b", "<anchor>", run.stderr)
        golden(f"errors/workflow_as_of/lists-in-force-version-{version}.txt",
               anchored.replace(flow.target_name, "<store>"))
        return str(json.loads(run.stdout)["streets"][0]["verdict"])

    assert verdict("2026-03-10") == "not_applicable"  # still listed on S02 then
    assert verdict("2026-04-01") == "admitted"  # taken back on 03-20: admitted again
