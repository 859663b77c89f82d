"""The SQLite store of the admission process: one file, a schema version, migrations.

Every command runs in one ``BEGIN IMMEDIATE`` transaction: it reads the state it will change
under the write lock, so two people acting at once are serialised and no write is lost. WAL
mode lets readers go on while one writer works; a busy timeout makes the second writer wait
instead of failing. A process killed mid-command leaves the transaction uncommitted: SQLite
rolls it back on the next open, so a step happens completely or not at all. Commits are not
flushed to disk one by one (``synchronous = NORMAL``): after a power failure the last steps may
be missing, but never half done.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from engine.errors import DataError, Location, UsageError
from engine.workflow.audit import entry_hash

CHINA = timezone(timedelta(hours=8))
BUSY_TIMEOUT_MS = 60_000

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE proposals (
        id TEXT PRIMARY KEY,
        department TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        revision INTEGER NOT NULL,
        document TEXT NOT NULL,          -- the proposal as submitted (JSON)
        streets TEXT NOT NULL,           -- target street ids (JSON list)
        urgency TEXT NOT NULL,
        legal TEXT NOT NULL DEFAULT 'pending',
        state_since TEXT NOT NULL,
        due TEXT,                        -- deadline of the current state (date) or NULL
        due_estimated INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    CREATE INDEX proposals_state ON proposals(state);
    CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY,
        proposal TEXT NOT NULL REFERENCES proposals(id),
        stage TEXT NOT NULL,             -- review | decision
        at TEXT NOT NULL,
        verdict TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        decision TEXT NOT NULL,          -- the full decision (JSON)
        item TEXT NOT NULL               -- the item as evaluated (JSON)
    );
    CREATE INDEX decisions_proposal ON decisions(proposal);
    CREATE TABLE opinions (
        seq INTEGER PRIMARY KEY,
        proposal TEXT NOT NULL REFERENCES proposals(id),
        street TEXT NOT NULL,
        opinion TEXT NOT NULL,
        note TEXT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL
    );
    CREATE INDEX opinions_proposal ON opinions(proposal);
    CREATE TABLE meetings (
        seq INTEGER PRIMARY KEY,
        proposal TEXT NOT NULL REFERENCES proposals(id),
        ref TEXT NOT NULL,
        outcome TEXT NOT NULL,           -- admit | reject
        at TEXT NOT NULL,
        actor TEXT NOT NULL
    );
    CREATE TABLE versions (
        number INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        lists BLOB NOT NULL,             -- the published lists (zlib-compressed JSON)
        names TEXT NOT NULL              -- Chinese names by id, for rendering (JSON)
    );
    CREATE TABLE version_proposals (
        version INTEGER NOT NULL REFERENCES versions(number),
        proposal TEXT NOT NULL REFERENCES proposals(id),
        PRIMARY KEY (version, proposal)
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        proposal TEXT,
        state_before TEXT,
        state_after TEXT,
        detail TEXT NOT NULL,            -- JSON
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX audit_proposal ON audit(proposal);
    """,
    # 2: recall and revision; streets may apply too (the applicant is a role)
    """
    ALTER TABLE proposals ADD COLUMN change TEXT NOT NULL DEFAULT 'admit';
    ALTER TABLE proposals ADD COLUMN applicant TEXT NOT NULL DEFAULT '';
    UPDATE proposals SET applicant = 'department:' || department;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> datetime:
    """The current time in China (``DUTY_NOW``, an ISO date-time, overrides it for rehearsals
    and tests; the audit trail records whatever time is used)."""
    fixed = os.environ.get("DUTY_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"DUTY_NOW 不是有效的日期时间：“{fixed}”",
                             hint="例如 DUTY_NOW=2026-09-28T09:00:00+08:00") from None
        return value if value.tzinfo else value.replace(tzinfo=CHINA)
    return datetime.now(CHINA).replace(microsecond=0)


def fault_point(name: str) -> None:
    """Fault injection for tests: with ``DUTY_FAULT_PAUSE=name:FILE`` the process writes FILE
    and waits here (so a test can kill it at this exact point)."""
    spec = os.environ.get("DUTY_FAULT_PAUSE", "")
    point, _, marker = spec.partition(":")
    if point == name and marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(3600)


class Store:
    """An open store bound to one county."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- reading -----------------------------------------------------------------------------
    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, args).fetchone()
        return row

    def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, args).fetchall())

    def meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", key)
        return None if row is None else str(row["value"])

    # -- writing -----------------------------------------------------------------------------
    def execute(self, sql: str, *args: Any) -> int:
        cur = self.conn.execute(sql, args)
        return int(cur.lastrowid or 0)

    def append_audit(self, at: str, actor: str, action: str, proposal: str | None,
                     before: str | None, after: str | None, detail: dict[str, Any]) -> None:
        last = self.one("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        prev = str(last["hash"]) if last else ""
        body = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        seq = (self.one("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM audit") or {"n": 1})["n"]
        digest = entry_hash(seq, at, actor, action, proposal, before, after, body, prev)
        self.execute("INSERT INTO audit (seq, at, actor, action, proposal, state_before, "
                     "state_after, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     seq, at, actor, action, proposal, before, after, body, prev, digest)
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                      f"{seq}:{digest}")


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL: a killed process loses nothing


def _schema_version(conn: sqlite3.Connection, shown: str) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise DataError(f"数据库的结构版本为 {version}，高于本程序支持的 {SCHEMA_VERSION}",
                        location=Location(shown), code="E-STORE",
                        hint="请升级 duty 后再使用该数据库。")
    return version


def _migrate(conn: sqlite3.Connection, shown: str) -> None:
    """Bring the schema up to date inside the caller's write transaction."""
    version = _schema_version(conn, shown)
    for number in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[number].split(";"):
            if statement.strip():
                conn.execute(statement)
    if version < SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """Open the store; with ``create`` false a missing database is an error (reading commands
    never create one). The schema is brought up to date by the first write transaction."""
    path = Path(path)
    shown = str(path)
    if not path.exists() and not create:
        raise UsageError(f"数据库不存在：{shown}",
                         hint="用 --db 或环境变量 DUTY_DB 指定；提交第一份申请时会自动创建。")
    if path.is_dir():
        raise UsageError(f"--db 应为文件，而 {shown} 是目录")
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        _configure(conn)
        if _schema_version(conn, shown) < SCHEMA_VERSION:
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DataError(f"无法打开数据库：{exc}", location=Location(shown), code="E-STORE",
                        hint="确认该文件是 duty 的数据库且未损坏。") from None
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(path: Path, *, create: bool, conn: sqlite3.Connection | None = None,
                write: bool = True) -> Iterator[Store]:
    """One command's work in one transaction, or nothing at all on any error.

    Writers take the write lock at once (``BEGIN IMMEDIATE``), so what they read cannot change
    before they write; readers (``write=False``) read a snapshot and never wait for a writer.
    Without ``conn`` the store is opened for this transaction and closed after it (a command
    line run; a database this command created is removed again if the command fails); a
    long-running caller passes its open connection.
    """
    path = Path(path)
    created = conn is None and not path.exists()
    active = connect(path, create=create) if conn is None else conn
    done = False
    try:
        outdated = _schema_version(active, str(path)) < SCHEMA_VERSION
        active.execute("BEGIN IMMEDIATE" if write or outdated else "BEGIN")
        try:
            _migrate(active, str(path))
            yield Store(active, path)
            fault_point("before-commit")
            active.execute("COMMIT")
        except BaseException:
            active.execute("ROLLBACK")
            raise
        done = True
    except sqlite3.OperationalError as exc:
        raise DataError(f"数据库操作失败：{exc}", location=Location(str(path)),
                        code="E-STORE", hint="数据库正忙或不可写；稍后重试。") from None
    finally:
        if conn is None:
            active.close()
            if created and not done:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
