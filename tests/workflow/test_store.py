"""The SQLite store: schema and pragmas, one transaction per command, the clock, fault points,
bad database files, and the audit hash chain (`duty audit verify` after hand edits)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataError, UsageError
from engine.workflow import store
from engine.workflow.audit import entry_hash, verify
from engine.workflow.store import SCHEMA_VERSION, fault_point, now, transaction
from tests.conftest import run_cli
from tests.workflow.conftest import Flow, snapshot

# --- schema, pragmas, the first command ------------------------------------------------------


def test_first_submit_creates_the_store(flow: Flow) -> None:
    pid = flow.submit()
    assert flow.sql("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert flow.sql("PRAGMA journal_mode") == [("wal",)]
    meta = dict(flow.sql("SELECT key, value FROM meta"))
    assert (meta["county"], meta["process"]) == ("测试区", "admission")
    assert flow.sql("SELECT number FROM versions") == [(0,)]
    first = flow.sql("SELECT seq, actor, action, proposal, detail FROM audit ORDER BY seq")
    assert first[0] == (1, "system", "create_store", None,
                        json.dumps({"county": "测试区", "version": 0}, ensure_ascii=False))
    assert [r[2] for r in first[1:]] == ["draft", "submit"]
    assert flow.sql("SELECT id, state, revision, streets FROM proposals") == [
        (pid, "submitted", 1, '["S01", "S02", "S03", "S04"]')]
    # the last connection closed: the write-ahead log was checkpointed and removed
    assert sorted(snapshot(flow.db)) == ["duty.db"]


def test_connection_pragmas(tmp_path: Path) -> None:
    with transaction(tmp_path / "x.db", create=True) as st:
        assert st.one("PRAGMA busy_timeout")[0] == store.BUSY_TIMEOUT_MS == 60_000
        assert st.one("PRAGMA foreign_keys")[0] == 1
        assert st.one("PRAGMA journal_mode")[0] == "wal"
        assert st.conn.in_transaction


def test_a_successful_command_changes_the_file(flow: Flow) -> None:
    """The control for the refusal tests: a step that happens does change the bytes."""
    pid = flow.submit()
    before = snapshot(flow.db)
    flow.review(pid)
    assert snapshot(flow.db) != before


def test_an_exception_rolls_the_transaction_back(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with transaction(db, create=True) as st:
        st.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
    before = snapshot(db)
    with pytest.raises(ZeroDivisionError), transaction(db, create=False) as st:
        st.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
        st.append_audit("t", "x", "y", None, None, None, {})
        raise ZeroDivisionError
    assert snapshot(db) == before
    with transaction(db, create=False) as st:
        assert [r["key"] for r in st.all("SELECT key FROM meta")] == ["a"]
        assert st.all("SELECT * FROM audit") == []


def test_append_audit_chains_the_entries(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with transaction(db, create=True) as st:
        st.append_audit("2026-03-02T09:00:00+08:00", "office", "a", "P", None, "s", {"k": 1})
        st.append_audit("2026-03-02T09:00:00+08:00", "office", "b", "P", "s", "t", {})
        rows = st.all("SELECT * FROM audit ORDER BY seq")
    assert [r["seq"] for r in rows] == [1, 2]
    assert rows[0]["prev_hash"] == "" and rows[1]["prev_hash"] == rows[0]["hash"]
    assert rows[0]["hash"] == entry_hash(1, "2026-03-02T09:00:00+08:00", "office", "a", "P",
                                         None, "s", '{"k": 1}', "")
    assert verify(rows) == (2, None)


# --- bad database files -------------------------------------------------------------------------


def test_missing_database_for_reading(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="数据库不存在"), \
            transaction(tmp_path / "none.db", create=False):
        pass
    assert not (tmp_path / "none.db").exists()


def test_database_that_is_a_directory(flow: Flow) -> None:
    flow.db.mkdir()
    run = flow.run("submit", flow.file(), actor="department:fire_rescue")
    assert run.code == 2 and "是目录" in run.stderr


def test_database_that_is_not_sqlite(flow: Flow) -> None:
    flow.db.write_text("not a database\n" * 200, encoding="utf-8")
    before = snapshot(flow.db)
    run = flow.run("list")
    assert run.code == 1 and "[E-STORE]" in run.stderr and "无法打开数据库" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(flow.db) == before


def _newer(flow: Flow) -> None:
    flow.submit()
    conn = sqlite3.connect(flow.db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def test_database_from_a_newer_duty(flow: Flow) -> None:
    _newer(flow)
    before = flow.db.read_bytes()
    run = flow.run("list")
    assert run.code == 1
    assert (f"数据库的结构版本为 {SCHEMA_VERSION + 1}，高于本程序支持的 {SCHEMA_VERSION}"
            in run.stderr)
    assert "请升级 duty" in run.stderr
    assert flow.db.read_bytes() == before


@pytest.mark.parametrize("kind", ["newer", "garbage"])
def test_failed_open_closes_the_connection(flow: Flow, monkeypatch: pytest.MonkeyPatch,
                                           kind: str) -> None:
    if kind == "newer":
        _newer(flow)
    else:
        flow.db.write_text("not a database\n" * 200, encoding="utf-8")
    opened: list[sqlite3.Connection] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(DataError), transaction(flow.db, create=False):
        pass
    (conn,) = opened
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        conn.execute("SELECT 1")


def test_store_not_yet_bound_to_a_county(flow: Flow) -> None:
    with transaction(flow.db, create=True):
        pass  # schema only, no county
    run = flow.run("list")
    assert run.code == 2 and "尚未使用" in run.stderr


def test_refused_first_submit_leaves_no_database(flow: Flow) -> None:
    run = flow.run("submit", flow.file(), actor="department:civil_affairs")
    assert run.code == 1 and "不能提交" in run.stderr
    assert snapshot(flow.db) == {}  # neither the database nor its -wal / -shm
    bad = flow.file(streets=["S01", "S09"])  # an unknown street: exit 1, nothing created
    run = flow.run("submit", bad, actor="department:fire_rescue")
    assert run.code == 1 and "未知的街道 “S09”" in run.stderr
    assert snapshot(flow.db) == {}


# --- the clock and fault points ----------------------------------------------------------------


def test_duty_now_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    china = timezone(timedelta(hours=8))
    monkeypatch.setenv("DUTY_NOW", "2025-09-26T10:30:00+08:00")
    assert now() == datetime(2025, 9, 26, 10, 30, tzinfo=china)
    monkeypatch.setenv("DUTY_NOW", "2025-09-26")  # naive: China time
    assert now() == datetime(2025, 9, 26, tzinfo=china)
    monkeypatch.setenv("DUTY_NOW", "2025-09-26T01:00:00+00:00")
    assert now().isoformat() == "2025-09-26T01:00:00+00:00"
    monkeypatch.delenv("DUTY_NOW")
    current = now()
    assert current.utcoffset() == timedelta(hours=8) and current.microsecond == 0


def test_bad_duty_now_is_a_usage_error(flow: Flow) -> None:
    flow.monkeypatch.setenv("DUTY_NOW", "yesterday")
    run = flow.run("submit", flow.file(), actor="department:fire_rescue")
    assert run.code == 2
    assert "DUTY_NOW 不是有效的日期时间：“yesterday”" in run.stderr
    assert not flow.db.exists()


def test_the_clock_is_what_the_audit_records(flow: Flow) -> None:
    flow.now("2025-09-26T16:45:00+08:00")
    pid = flow.submit()
    assert {e["at"] for e in flow.history(pid)} == {"2025-09-26T16:45:00+08:00"}


def test_fault_point_without_the_variable_does_nothing(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "marker"
    monkeypatch.delenv("DUTY_FAULT_PAUSE", raising=False)
    fault_point("before-commit")
    monkeypatch.setenv("DUTY_FAULT_PAUSE", f"after-opinion-audit:{marker}")
    fault_point("before-commit")  # another point: no pause
    monkeypatch.setenv("DUTY_FAULT_PAUSE", "before-commit")  # no marker file: no pause
    fault_point("before-commit")
    assert not marker.exists()


# --- the audit chain ---------------------------------------------------------------------------


def _published(flow: Flow) -> None:
    pid = flow.to_admitted()
    flow.publish(pid)  # 13 entries: create_store + 12 steps


def _edit(flow: Flow, sql: str) -> None:
    conn = sqlite3.connect(flow.db)
    conn.execute(sql)
    conn.commit()
    conn.close()


def _verify(flow: Flow) -> tuple[int, str, dict[str, object]]:
    run = run_cli("audit", "verify", "--db", flow.db)
    data = json.loads(run_cli("audit", "verify", "--db", flow.db, "--format", "json").stdout)
    return run.code, run.stdout, data


def test_intact_chain(flow: Flow) -> None:
    _published(flow)
    code, text, data = _verify(flow)
    head = flow.sql("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")[0][0]
    assert code == 0
    assert text == f"审计记录完好：共 13 条，哈希链首尾衔接。\n链头哈希：{head}\n"
    assert data == {"entries": 13, "intact": True, "head": head, "broken": None}


def test_edited_entry_is_named(flow: Flow) -> None:
    _published(flow)
    _edit(flow, "UPDATE audit SET actor='x' WHERE seq=3")
    code, text, data = _verify(flow)
    assert code == 1
    assert text == "审计记录被改动：第 3 条内容与哈希不符（记录被修改过）。\n"
    assert data["intact"] is False
    assert data["broken"] == {"seq": 3, "reason": "内容与哈希不符（记录被修改过）"}


@pytest.mark.parametrize("column, value", [("at", "'2026-01-01T00:00:00+08:00'"),
                                           ("detail", "'{}'"), ("state_after", "'published'"),
                                           ("action", "'admit'")])
def test_any_edited_field_is_found(flow: Flow, column: str, value: str) -> None:
    _published(flow)
    _edit(flow, f"UPDATE audit SET {column}={value} WHERE seq=7")
    code, _, data = _verify(flow)
    assert code == 1 and data["broken"]["seq"] == 7  # type: ignore[index]


def test_rehashed_entry_breaks_the_link_to_the_next(flow: Flow) -> None:
    _published(flow)
    row = flow.sql("SELECT seq, at, actor, action, proposal, state_before, state_after, detail, "
                   "prev_hash FROM audit WHERE seq=3")[0]
    forged = entry_hash(3, row[1], "x", *row[3:])
    _edit(flow, f"UPDATE audit SET actor='x', hash='{forged}' WHERE seq=3")
    code, text, _ = _verify(flow)
    assert code == 1
    assert text == "审计记录被改动：第 4 条与前一条记录的哈希不衔接。\n"


def test_deleted_middle_entry_is_named(flow: Flow) -> None:
    _published(flow)
    _edit(flow, "DELETE FROM audit WHERE seq=5")
    code, text, data = _verify(flow)
    assert code == 1
    assert text == "审计记录被改动：第 5 条缺少第 5 条记录（下一条为第 6 条）。\n"
    assert data["broken"] == {"seq": 5, "reason": "缺少第 5 条记录（下一条为第 6 条）"}


def test_deleted_first_entry_is_named(flow: Flow) -> None:
    _published(flow)
    _edit(flow, "DELETE FROM audit WHERE seq=1")
    code, _, data = _verify(flow)
    assert code == 1 and data["broken"]["seq"] == 1  # type: ignore[index]


def test_swapped_entries_are_found(flow: Flow) -> None:
    _published(flow)
    _edit(flow, "UPDATE audit SET seq = -8 WHERE seq = 8")
    _edit(flow, "UPDATE audit SET seq = 8 WHERE seq = 9")
    _edit(flow, "UPDATE audit SET seq = 9 WHERE seq = -8")
    code, _, data = _verify(flow)
    assert code == 1 and data["broken"]["seq"] == 8  # type: ignore[index]


def test_deleted_newest_entry_is_found(flow: Flow) -> None:
    """Truncating the chain (deleting its newest entries) is found too."""
    _published(flow)
    _edit(flow, "DELETE FROM audit WHERE seq >= 12")  # the admission and the publication
    code, text, data = _verify(flow)
    assert code == 1
    assert data["broken"]["seq"] == 13  # type: ignore[index]
    assert text.startswith("审计记录被改动：第 13 条")


def test_audit_verify_changes_nothing(flow: Flow) -> None:
    _published(flow)
    before = snapshot(flow.db)
    assert _verify(flow)[0] == 0
    assert snapshot(flow.db) == before


def test_verify_on_store_errors(tmp_path: Path) -> None:
    run = run_cli("audit", "verify", "--db", tmp_path / "none.db")
    assert run.code == 2 and "数据库不存在" in run.stderr
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\0" * 4096)
    with pytest.raises(DataError), transaction(bad, create=False):
        pass
