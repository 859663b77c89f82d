"""The assessment view on the command line: per street and per department, for a period, the
items on its lists, the adjustments asked and granted, and the ticket lookups per item; a
street or department may see only its own."""

from __future__ import annotations

import json
from typing import Any

from engine.api import workflow
from engine.store.config import store_target
from engine.who.answer import Who
from engine.who.log import record_lookup
from tests.conftest import MINI, run_cli

MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


def _assess(flow: Any, role: str, *args: str) -> Any:
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.token(role))
    return run_cli("assessment", *args, "--county", MINI, "--db", flow.db, "--format", "json")


def _lookup(flow: Any, ticket: str, text: str, street: str) -> None:
    with workflow(MINI, store_target(flow.db)) as service:
        ws, number = service.published()
        answer = Who(ws).answer(text, street, 1)
        record_lookup(service.store, at="2026-03-05T10:00:00+08:00", account="u-office",
                      role="office", ticket=ticket, answer=answer, version=number)


def test_street_and_department_assessment(flow: Any) -> None:  # type: ignore[no-untyped-def]
    pid = flow.to_admitted()
    flow.publish(pid)
    _lookup(flow, "T-1", "无物业小区消防通道巡查没人管", "S01")
    _lookup(flow, "T-2", "天上的星星为什么会眨眼", "S01")
    run = _assess(flow, "office", "--street", "S01", *MARCH)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["kind"], data["id"], data["period"]) == ("street", "S01", ["2026-03-01",
                                                                          "2026-03-31"])
    assert data["source"]["version"] == 1 and (data["asked"], data["granted"]) == (1, 1)
    assert [a["proposal"] for a in data["adjustments"]] == [pid]
    assert (data["lookups"], data["lookups_unmatched"]) == (2, 1)
    rows = {i["item"]: i for i in data["items"]}
    assert rows[pid]["lookups"] == 1 and sum(data["lists"].values()) == len(data["items"])
    dept = json.loads(_assess(flow, "department:fire_rescue", "--department", "fire_rescue",
                              *MARCH).stdout)
    owned = {i["item"]: i for i in dept["items"]}
    assert owned[pid]["streets"] == 4 and owned[pid]["lookups"] == 1
    assert (dept["asked"], dept["granted"], dept["lookups"]) == (1, 1, 1)
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.token("office"))
    text = run_cli("assessment", "--street", "S01", *MARCH,
                   "--county", MINI, "--db", flow.db)
    assert "调整：申请 1 件，获准 1 件" in text.stdout and "工单查询：2 件" in text.stdout
    before = json.loads(_assess(flow, "office", "--street", "S01", "--from", "2026-01-01",
                                "--to", "2026-02-28").stdout)
    assert (before["asked"], before["granted"], before["lookups"]) == (0, 0, 0)


def test_only_its_own_and_bad_input(flow: Any) -> None:  # type: ignore[no-untyped-def]
    own = _assess(flow, "street:S02", "--street", "S02", *MARCH)
    assert own.code == 0, own.stderr
    other = _assess(flow, "street:S02", "--street", "S01", *MARCH)
    assert other.code == 1 and "[E-FORBIDDEN]" in other.stderr and other.stdout == ""
    admin = _assess(flow, "admin", "--street", "S01", *MARCH)
    assert admin.code == 1 and "[E-FORBIDDEN]" in admin.stderr
    unknown = _assess(flow, "office", "--street", "S99", *MARCH)
    assert unknown.code == 2 and "[E-NOTFOUND]" in unknown.stderr
    backwards = _assess(flow, "office", "--street", "S01", "--from", "2026-03-31",
                        "--to", "2026-03-01")
    assert backwards.code == 2 and "[E-USAGE]" in backwards.stderr
    neither = _assess(flow, "office", *MARCH)
    assert neither.code == 2 and "[E-USAGE]" in neither.stderr

