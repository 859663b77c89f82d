"""A store written before the records were typed (times, deadlines and documents kept as
text, no foreign keys: schema ``store.0004``) is upgraded by ``duty store migrate``: every
proposal, its history and the published lists read as before, and the audit still verifies.
A store whose record holds text that would not read back the same is refused and left as it
was."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from engine.errors import StoreError
from tests.conftest import run_cli
from tests.workflow.conftest import Flow
from tests.workflow.test_informed_steps import PDF

TYPED = importlib.import_module("engine.store.migrations.0005_typed_records").TYPED
KEYS = {"duty_audit": "seq", "duty_proposal": "id", "duty_version": "number"}
BEFORE_TYPED = ("store", "0004_informed_steps")


def as_written_before_typed(flow: Flow) -> None:
    """Write every value the typed records convert as the versions before them wrote it:
    times in ISO 8601, China time; documents as canonical JSON (Django writes a time or a
    document into a text column in each database's own way)."""
    from engine.store.audit import canonical

    listed = ("SELECT name FROM sqlite_master WHERE type = 'table'" if flow.engine == "sqlite"
              else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {r[0] for r in flow.sql(listed)}
    for table, column, kind, _ in TYPED:
        if table not in tables:  # a table of a later schema
            continue
        key = KEYS.get(table, "seq")
        for ident, value in flow.sql(f'SELECT {key}, "{column}" FROM {table} '
                                     f'WHERE "{column}" IS NOT NULL'):
            old = canonical(flow.json(value)) if kind == "json" else (
                flow.time(value) if kind == "time" else str(value))
            flow.sql(f'UPDATE {table} SET "{column}" = ? WHERE {key} = ?', old, ident)


def age(flow: Flow) -> None:
    """Take the store back to the schema before typed records, its values as the version
    before wrote them."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from engine.store.config import store_target
    from engine.store.session import _register

    alias = _register(store_target(flow.db))
    MigrationExecutor(connections[alias]).migrate([BEFORE_TYPED])
    connections[alias].close()
    as_written_before_typed(flow)


def _published(flow: Flow) -> str:
    """Two proposals through every step, one reviewed with a note and a PDF; published
    together; a token issued and revoked."""
    first = flow.submit(id="P-TYPED-1")
    pdf = flow.tmp / "review.pdf"
    pdf.write_bytes(PDF)
    flow.ok("review", first, "--note", "经审核，材料齐全", "--basis", "职责准入办法第五条",
            "--attach", pdf, actor="office")
    flow.legal(first)
    for street in flow.show(first)["streets"]:
        flow.hear(first, street)
    flow.decide(first, "--meeting", "区委常委会2026年第12次", "--admit")
    second = flow.to_admitted(id="P-TYPED-2", item__name="无物业小区消防设施巡查")
    flow.publish(first, second)
    flow.token("county")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    assert run_cli("user", "token", "u-county", "--revoke", "--db", flow.db).code == 0
    return first


def _reads(flow: Flow, pids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pid in pids:
        out[pid] = flow.show(pid)
        out[pid + ":history"] = flow.history(pid)
    out["list"] = json.loads(flow.ok("list", "--format", "json").stdout)
    lists = run_cli("lists", "build", "--street", "S01", "--county", flow.run_county,
                    "--db", flow.db, "--format", "json")
    assert lists.code == 0, lists.stderr
    out["lists"] = lists.stdout
    return out


def _verify(flow: Flow) -> dict[str, Any]:
    run = run_cli("audit", "verify", "--db", flow.db, "--format", "json")
    report: dict[str, Any] = json.loads(run.stdout)
    assert run.code == 0 and report["intact"] and not report["problems"], run.stdout
    return report


def test_a_store_from_before_typed_records_upgrades_with_its_audit(flow: Flow) -> None:
    first = _published(flow)
    before = _reads(flow, [first, "P-TYPED-2"])
    head = _verify(flow)["head"]
    age(flow)
    assert flow.sql("SELECT at FROM duty_audit WHERE seq = 1")[0][0].endswith("+08:00")
    refused = flow.run("list")
    assert refused.code == StoreError.exit_code and "[E-STORE]" in refused.stderr
    run = run_cli("store", "migrate", "--db", flow.db, "--format", "json")
    assert run.code == 0, run.stderr
    assert "store.0005_typed_records" in json.loads(run.stdout)["applied"]
    assert _verify(flow)["head"] == head
    assert _reads(flow, [first, "P-TYPED-2"]) == before
    # the store goes on: a new step is recorded and verifies with the old entries
    third = flow.submit(id="P-TYPED-3")
    assert flow.state(third) == "submitted"
    _verify(flow)


@pytest.mark.parametrize("column", ["detail", "at"])
def test_text_that_would_not_read_back_the_same_is_refused(flow: Flow, column: str) -> None:
    """JSON not in canonical form (as an earlier version's upgrade of a 0.1 database wrote
    it), or a time in another zone: the migration stops before converting anything."""
    flow.submit(id="P-TYPED-1")
    age(flow)
    value = '{"county": "测试区"}' if column == "detail" else "2026-03-02T01:00:00+00:00"
    flow.sql(f'UPDATE duty_audit SET "{column}" = ? WHERE seq = 2', value)
    tables = flow.sql("SELECT COUNT(*) FROM django_migrations")
    run = run_cli("store", "migrate", "--db", flow.db, "--format", "json")
    assert run.code == StoreError.exit_code, run.stdout + run.stderr
    assert "[E-STORE]" in run.stderr and "duty_audit" in run.stderr
    assert flow.sql("SELECT COUNT(*) FROM django_migrations") == tables
    assert flow.sql(f'SELECT "{column}" FROM duty_audit WHERE seq = 2')[0][0] == value
