"""Review up the levels (逐级报送): a county whose county.yaml asks for it sends its admissions to
its city and then its province before they can be published. Each level acts in its own role
(``city:CODE``, ``province:CODE``) with its own deadline and audit entries; a level not asked
for is skipped; a return sends the proposal back to the county meeting. Without the
configuration nothing changes (the other workflow tests run so)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataErrors
from engine.loading.county import load_county
from tests.conftest import MINI, run_cli
from tests.workflow.conftest import Flow
from tests.workflow.test_service import refused

MEETING = "区委常委会2026年第12次"
CITY, PROVINCE = "city:350600", "province:350000"
SUPERIORS = ("city: {code: '350600', name: 漳州市}\n"
             "province: {code: '350000', name: 福建省}\n")


def county_with(tmp: Path, text: str, name: str = "county-up") -> Path:
    """The MINI county with ``text`` added to its county.yaml."""
    directory = tmp / name
    shutil.copytree(MINI, directory)
    path = directory / "county.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return directory


def reviewed(flow: Flow, tmp: Path, levels: str) -> Flow:
    """``flow`` with its county asking for review by ``levels`` (a department's proposal)."""
    flow.run_county = county_with(tmp, SUPERIORS + f"upward_review:\n  decision: {levels}\n")
    return flow


def actions(flow: Flow, pid: str) -> list[tuple[str, str, str | None]]:
    return [(e["action"], e["actor"], e["to"]) for e in flow.history(pid)]


def verify(flow: Flow) -> None:
    run = run_cli("audit", "verify", "--db", flow.db)
    assert run.code == 0, run.stderr


def test_city_then_province_before_publication(flow: Flow, tmp_path: Path) -> None:
    reviewed(flow, tmp_path, "[city, province]")
    pid = flow.to_admitted()
    # the county's admission goes up to the city at once, with the city's deadline
    data = flow.show(pid)
    assert data["state"] == "city_review"
    assert data["due"] == "2026-03-23"  # 15 working days from Mon 2026-03-02
    assert actions(flow, pid)[-2:] == [("admit", "county", "admitted"),
                                       ("report_city", "county", "city_review")]
    assert flow.history(pid)[-2]["detail"]["upward"] == ["city", "province"]

    # publication waits; the county, the province and another city may not act for the city
    refused(flow, "publish", pid, actor="office", parts=("[E-REFUSED]", "city_review"))
    refused(flow, "city-review", pid, "--approve", actor="county",
            parts=("[E-FORBIDDEN]", "county", "city_approve", "city"))
    refused(flow, "province-review", pid, "--approve", actor=PROVINCE,
            parts=("[E-REFUSED]", "province_approve"))
    refused(flow, "city-review", pid, "--approve", actor="city:350700",
            parts=("[E-FORBIDDEN]", "city:350700", "city_approve"))
    # nor read it: another city's account does not find the proposal
    other = flow.run("show", pid, actor="city:350700")
    assert other.code == 2 and "[E-NOTFOUND]" in other.stderr, other.stderr
    assert flow.ok("list", "--format", "json", actor="city:350700").stdout.strip() == "[]"

    # the city approves: on to the province, the city's account sending it
    run = flow.ok("city-review", pid, "--approve", "--note", "同意", actor=CITY)
    assert "市级审核同意（city_approve）" in run.stdout and "报省级审核" in run.stdout
    assert flow.state(pid) == "province_review"
    assert actions(flow, pid)[-2:] == [("city_approve", CITY, "admitted"),
                                       ("report_province", CITY, "province_review")]
    refused(flow, "publish", pid, actor="office", parts=("[E-REFUSED]", "province_review"))
    refused(flow, "city-review", pid, "--approve", actor=CITY,
            parts=("[E-REFUSED]", "city_approve"))

    flow.ok("province-review", pid, "--approve", actor=PROVINCE)
    assert flow.state(pid) == "admitted"
    shown = flow.show(pid)
    assert [(n["action"], n["text"]) for n in shown["notes"]] == [("city_approve", "同意")]
    assert flow.ok("show", pid, actor=PROVINCE).code == 0  # the province reads its county's
    flow.publish(pid)
    assert flow.state(pid) == "published"
    verify(flow)


def test_a_level_not_asked_for_is_skipped(flow: Flow, tmp_path: Path) -> None:
    reviewed(flow, tmp_path, "[province]")
    pid = flow.to_admitted()
    assert flow.state(pid) == "province_review"
    assert actions(flow, pid)[-1] == ("report_province", "county", "province_review")
    refused(flow, "city-review", pid, "--approve", actor=CITY,
            parts=("[E-REFUSED]", "province_review"))
    flow.ok("province-review", pid, "--approve", actor=PROVINCE)
    flow.publish(pid)
    assert "city_approve" not in [a for a, _, _ in actions(flow, pid)]


def test_a_return_goes_back_to_the_meeting(flow: Flow, tmp_path: Path) -> None:
    reviewed(flow, tmp_path, "[city, province]")
    pid = flow.to_admitted()
    # a return must say why, and nothing changes without it
    refused(flow, "city-review", pid, "--return", actor=CITY,
            parts=("[E-NOTE]",))
    flow.ok("city-review", pid, "--approve", actor=CITY)
    flow.ok("province-review", pid, "--return", "--note", "与省级收回事项目录不符",
            "--basis", "省委编办通知", actor=PROVINCE)
    assert flow.state(pid) == "deliberation"
    # decided again, it goes up again from the city: approvals count for one admission
    flow.decide(pid, "--meeting", "区委常委会2026年第13次", "--admit")
    assert flow.state(pid) == "city_review"
    refused(flow, "publish", pid, actor="office", parts=("[E-REFUSED]",))
    flow.ok("withdraw", pid, actor="department:fire_rescue")  # the applicant may withdraw
    assert flow.state(pid) == "withdrawn"
    verify(flow)


def test_deadlines_and_overdue(flow: Flow, tmp_path: Path) -> None:
    reviewed(flow, tmp_path, "[city]")
    pid = flow.to_admitted()
    flow.now("2026-03-25")
    late = flow.ok("overdue", "--format", "json")
    assert '"city:350600"' in late.stdout and pid in late.stdout
    flow.ok("city-review", pid, "--approve", actor=CITY)
    assert flow.state(pid) == "admitted"
    assert flow.show(pid)["due"] is None
    flow.publish(pid)
    verify(flow)


def test_without_the_configuration_nothing_goes_up(flow: Flow, tmp_path: Path) -> None:
    flow.run_county = county_with(tmp_path, SUPERIORS)  # levels named, none asked for
    pid = flow.to_admitted()
    assert flow.state(pid) == "admitted"
    assert "upward" not in flow.history(pid)[-1]["detail"]
    refused(flow, "city-review", pid, "--approve", actor=CITY,
            parts=("[E-REFUSED]", "admitted"))
    flow.publish(pid)


def test_a_street_request_goes_up_by_its_own_setting(flow: Flow, tmp_path: Path) -> None:
    flow.run_county = county_with(tmp_path, SUPERIORS + "upward_review:\n"
                                  "  decision: [city, province]\n  street_request: [city]\n")
    pid = "JH-S01-SJ-001"
    flow.ok("return", "SJ-001", "--street", "S01", "--reason", "lacks_power",
            actor="street:S01")
    flow.ok("department-opinion", pid, "--opinion", "agree",
            actor="department:market_regulation")
    flow.review(pid)
    flow.legal(pid)
    flow.hear(pid, "S01")
    flow.decide(pid, "--meeting", MEETING, "--admit")
    assert flow.state(pid) == "city_review"
    flow.ok("city-review", pid, "--approve", actor=CITY)
    assert flow.state(pid) == "admitted"  # no province for a street's request
    flow.publish(pid)
    verify(flow)


# --- county.yaml: the levels named and asked for ------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("upward_review: {decision: [city]}\n",
     "要求市级审核，但 county.yaml 没有写明所属的市（city）"),
    (SUPERIORS + "upward_review: {decision: [cty]}\n", "未知的上级审核层级 “cty”"),
    (SUPERIORS + "upward_review: {decision: [city, city]}\n", "上级审核层级 “city” 重复"),
    (SUPERIORS + "upward_review: {decision: [province, city]}\n", "须先市级后省级"),
    ("city: {code: '350000', name: 漳州市}\n", "应以 00 结尾（不以 0000 结尾）"),
    ("province: {code: '350600', name: 福建省}\n", "应以 0000 结尾"),
    ("city: {code: '440300', name: 深圳市}\nprovince: {code: '350000', name: 福建省}\n",
     "不属同一省份"),
    (SUPERIORS + "upward_review: {county: [city]}\n", "county"),
])
def test_bad_configuration_is_refused_in_chinese(tmp_path: Path, text: str, words: str,
                                                 golden: Any) -> None:
    directory = county_with(tmp_path, text)
    with pytest.raises(DataErrors) as info:
        load_county(directory)
    rendered = info.value.render()
    assert words in rendered and "county.yaml:" in rendered, rendered
    run = run_cli("check", "--county", directory)
    assert run.code in (1, 2) and "Traceback" not in run.stderr and words in run.stderr


def test_a_county_without_the_fields_digests_as_before(tmp_path: Path) -> None:
    from engine.loading.workspace import load_workspace
    from engine.workflow.county_state import county_revision

    plain = county_revision(load_workspace(MINI))
    assert county_revision(load_workspace(county_with(tmp_path, "", "same"))) == plain
    assert county_revision(load_workspace(county_with(tmp_path, SUPERIORS))) != plain
