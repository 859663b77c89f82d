"""`duty report staffing`: the two bundled counties against golden files, every format, the
chart rendered in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine.api import county_workspace
from engine.staffing.report import staffing_report
from tests.conftest import ROOT, run_cli
from tests.services import require_chromium

CLASSES = ROOT / "duties" / "towns-by-class"
FACTORS = ROOT / "duties" / "streets-by-factors"


@pytest.mark.parametrize("county", [CLASSES, FACTORS], ids=lambda p: p.name)
def test_bundled_counties_are_clean_and_their_report_matches(county: Path, golden: Any) -> None:
    check = run_cli("check", "--county", county)
    assert check.code == 0 and check.stdout.endswith("未发现问题。\n"), check.stdout
    for fmt, ext in (("text", "txt"), ("md", "md"), ("svg", "svg")):
        run = run_cli("report", "staffing", "--county", county, "--format", fmt)
        assert run.code == 0 and run.stderr == ""
        golden(f"staffing/{county.name}.{ext}", run.stdout)


def test_class_quotas_and_finance_office_by_population() -> None:
    report = staffing_report(county_workspace(CLASSES))
    quotas = {s.street: {p.kind: p.quota for p in s.posts} for s in report.streets}
    assert quotas["T01"] == {"administrative": 26, "institutional": 46, "logistics": 2,
                             "finance_office": 5}
    assert quotas["T02"]["finance_office"] == 4 and quotas["T04"]["finance_office"] == 3
    assert quotas["T05"]["administrative"] == 19 and quotas["T05"]["institutional"] == 38
    assert report.staffing_basis == "class" and report.working_days == 248


def test_factor_points_choose_the_grade() -> None:
    report = staffing_report(county_workspace(FACTORS))
    admin = {s.street: next(p.quota for p in s.posts if p.kind == "administrative")
             for s in report.streets}
    # points over population, area and revenue: J01 and J02 score 3+3+3, J03 and J04 2+2+2,
    # J05 and J06 1+1+1; the grades start at 7, 5 and 3 points
    assert admin == {"J01": 44, "J02": 44, "J03": 36, "J04": 36, "J05": 30, "J06": 30}


def test_load_capacity_funds_and_top_items_for_one_street() -> None:
    run = run_cli("report", "staffing", "--county", CLASSES, "--street", "T02",
                  "--format", "json")
    assert run.code == 0
    doc = json.loads(run.stdout)
    assert [s["street"] for s in doc["streets"]] == ["T02"]
    s = doc["streets"][0]
    assert s["load_days"] == 595 and s["capacity_days"] == int(66 * 248 * 0.8)
    assert s["load_percent"] == round(100 * 595 / s["capacity_days"])
    assert s["funds"] == [
        {"department": "agriculture", "name": "区农业农村局", "amount": 42000, "shortfall": 0},
        {"department": "health", "name": "区卫生健康局", "amount": 8000, "shortfall": 0},
        {"department": "statistics", "name": "区统计局", "amount": 6000, "shortfall": 0}]
    assert s["funds_total"] == 56000
    assert [i["workload_days"] for i in s["top_items"]] == [200, 150, 120, 60, 40]
    bodies = {b["id"]: b["functions"] for b in s["bodies"]}
    assert bodies["social_affairs_center"] == ["便民服务中心"]
    assert s["size_tier"] == "medium" and s["town_class"] == 2


def test_unknown_street_and_bad_format() -> None:
    run = run_cli("report", "staffing", "--street", "S99")  # as in lists build: a usage error
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "S99" in run.stderr
    assert "Traceback" not in run.stderr
    assert run_cli("report", "staffing", "--format", "pdf").code == 2


def test_output_file_and_determinism(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = run_cli("report", "staffing", "--county", FACTORS, "--format", "html", "-o", out)
    assert run.code == 0 and run.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.count("<section") == 6 and "<svg" in text
    assert not re.search(r"<(script|link|img)\b", text) and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    again = run_cli("report", "staffing", "--county", FACTORS, "--format", "html")
    assert again.stdout == text


def test_sample_county_report_marks_no_model() -> None:
    run = run_cli("report", "staffing", "--street", "S08")
    assert run.code == 0
    assert "编制：规则包未设编制模型" in run.stdout and "S08 老城街道" in run.stdout
    assert "规模较小" in run.stdout


@pytest.mark.browser
def test_chart_renders_in_chromium(tmp_path: Path) -> None:
    chromium = require_chromium()
    chart = tmp_path / "chart.svg"
    assert run_cli("report", "staffing", "--county", CLASSES, "--format", "svg",
                   "-o", chart).code == 0
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html><body><img id="c" src="chart.svg"></body></html>',
                    encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", chart.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert dom.count('class="street"') == 5 and "沙泉镇" in dom
    png = tmp_path / "chart.png"
    subprocess.run([chromium, *flags, f"--screenshot={png}", "--window-size=820,400",
                    chart.as_uri()], capture_output=True, timeout=120, check=True)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 2000
