"""Opening a store and working in it: one command, one transaction.

Writers take the write lock first (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the audit head
row, ``SELECT … FOR UPDATE``), so what they read cannot change before they write and the
audit chain cannot fork; readers never wait. A command's audit entries are sealed (digests
and MACs) just before COMMIT, then the new head is appended to the checkpoint file. A process
killed mid-command leaves nothing: the database rolls the transaction back; so does a COMMIT
that fails (disk full, device error), reported as such. A checkpoint that cannot be written
after the COMMIT is reported as a command that was saved.
"""

from __future__ import annotations

import functools
import getpass
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import NotFoundError, StoreError
from engine.store.config import StoreTarget, ensure_django


def fault_point(name: str) -> None:
    """Fault injection for tests: with ``DUTY_FAULT_PAUSE=name:FILE`` the process writes FILE
    and waits here (so a test can kill it at this exact point)."""
    spec = os.environ.get("DUTY_FAULT_PAUSE", "")
    point, _, marker = spec.partition(":")
    if point == name and marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(3600)


# what the database driver says when a write fails for want of space, or the device fails
# (SQLite's words, PostgreSQL's)
_FAILURES = {
    "disk-full": ("database or disk is full",
                  'could not extend file "base/1/2": No space left on device'),
    "io": ("disk I/O error", 'could not write to file "pg_wal/1": Input/output error'),
}


def fault_failure(name: str) -> str | None:
    """Fault injection for tests: with ``DUTY_FAULT_FAIL=name:KIND`` (``disk-full`` or
    ``io``) the operation at point ``name`` fails as the database reports that failure."""
    point, _, kind = os.environ.get("DUTY_FAULT_FAIL", "").partition(":")
    return kind if point == name and kind in _FAILURES else None


@contextmanager
def _commit_fault(alias: str | None) -> Iterator[None]:
    """While inside, the COMMIT of a write on ``alias`` fails as asked by
    ``DUTY_FAULT_FAIL=commit:KIND`` (the driver's error, as Django passes it on); otherwise,
    or for a read (no alias), nothing changes."""
    kind = fault_failure("commit")
    if kind is None or alias is None:
        yield
        return
    from django.db import connections

    conn = connections[alias]
    words = _FAILURES[kind][0 if conn.vendor == "sqlite" else 1]

    def failing() -> None:
        with conn.wrap_database_errors:
            raise conn.Database.OperationalError(words)

    conn.commit = failing  # type: ignore[method-assign]
    try:
        yield
    finally:
        del conn.commit


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


@dataclass
class Store:
    """An open store: its target, Django alias, key and what it is bound to."""

    target: StoreTarget
    alias: str
    key: bytes | None = None
    meta: dict[str, str] = field(default_factory=dict)
    migrated: list[str] = field(default_factory=list)  # what opening it to migrate applied
    # a county read on its database's shared connection: each transaction selects its schema
    schema: str | None = None

    @property
    def county(self) -> str | None:
        return self.meta.get("county")

    @property
    def local(self) -> bool:
        return self.meta.get("mode") == "local"

    @property
    def rehearsal(self) -> bool:
        return self.meta.get("rehearsal") == "true"


def _register(target: StoreTarget) -> str:
    ensure_django()
    from django.db import connections

    alias = target.alias
    if alias not in connections.databases:
        config = target.database()
        connections.databases[alias] = connections.configure_settings(
            {"default": config})["default"]
        if target.engine == "sqlite":  # readers take no write lock
            reading = {**config, "OPTIONS": {**config["OPTIONS"], "transaction_mode": None}}
            connections.databases[alias + "-read"] = connections.configure_settings(
                {"default": reading})["default"]
    return alias


def side_alias(store: Store) -> str:
    """A second connection to the store's database, for what must commit on its own while
    the store's own connection is inside a transaction (a job's progress)."""
    from django.db import connections

    alias = store.alias + "-side"
    if alias not in connections.databases:
        connections.databases[alias] = connections.configure_settings(
            {"default": store.target.database()})["default"]
    return alias


def read_alias(store: Store) -> str:
    return store.alias + "-read" if store.target.engine == "sqlite" else store.alias


def close(store: Store) -> None:
    from django.db import connections

    for alias in (store.alias, store.alias + "-read", store.alias + "-side"):
        if alias in connections.databases:
            connections[alias].close()


def _db_errors() -> tuple[type[BaseException], ...]:
    from django.db import DatabaseError, InterfaceError

    return (DatabaseError, InterfaceError)


def store_error(target: StoreTarget, exc: BaseException) -> StoreError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered \
            or "quota exceeded" in lowered:
        return StoreError(f"磁盘空间已满，数据库未能写入：{text}", store=target.shown,
                          reason="disk-full",
                          hint="本次操作没有保存；腾出磁盘空间后重新执行。")
    if "i/o error" in lowered or "input/output error" in lowered:
        return StoreError(f"存储设备读写出错，数据库未能写入：{text}", store=target.shown,
                          reason="io",
                          hint="本次操作没有保存；检查磁盘或存储设备后重新执行，"
                               "并可用 duty audit verify 核验数据库。")
    if "locked" in lowered or "busy" in lowered or "could not serialize" in lowered:
        return StoreError(f"数据库正忙：{text}", store=target.shown, reason="busy",
                          hint="另一条命令正在写入；稍后重试。")
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return StoreError(f"数据库不可写：{text}", store=target.shown, reason="readonly",
                          hint="检查文件及其所在目录的写权限。")
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(f"无法打开数据库：{text}", store=target.shown, reason="damaged",
                          hint="确认该文件是 duty 的数据库且未损坏；可从备份恢复。")
    if "connection" in lowered or "does not exist" in lowered:
        return StoreError(f"无法连接数据库：{text}", store=target.shown, reason="connect",
                          hint="检查 DUTY_DATABASE_URL 与数据库服务是否可用。")
    return StoreError(f"数据库操作失败：{text}", store=target.shown, reason="database")


def checkpoint_error(target: StoreTarget, exc: OSError) -> StoreError:
    """The command was committed but its audit head could not be added to the checkpoint
    file (disk full, device failing): the store is whole, the file one head behind."""
    cause = exc.strerror or str(exc)
    return StoreError(f"操作已保存到数据库，但审计检查点未能写入 {target.checkpoints}（{cause}）",
                      store=target.shown, reason="checkpoint",
                      hint="不要重复该操作。腾出磁盘空间或修复存储后，用 duty audit verify "
                           "核验数据库；下一次写入时会补记检查点。")


def _pending_migrations(alias: str) -> tuple[list[Any], set[tuple[str, str]]]:
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = {key for key in executor.loader.applied_migrations  # of the apps used here
               if key[0] in executor.loader.migrated_apps
               and key not in executor.loader.graph.nodes}
    return plan, unknown


def _tables(alias: str) -> set[str]:
    from django.db import connections

    return set(connections[alias].introspection.table_names())


# a store's own tables hold something: its meta rows or an audit entry
_ANY_DATA = "EXISTS (SELECT 1 FROM duty_meta) OR EXISTS (SELECT 1 FROM duty_audit)"


def _schema_only(path: Path) -> bool:
    """Whether an existing SQLite file holds duty's schema and no data. The file is read as it
    lies, without locks or companion files; anything else (a file that is no database, or
    one with a write-ahead log beside it, which may hold data the file does not) is left
    exactly as it is."""
    import sqlite3

    if os.path.lexists(f"{path}-wal"):
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            return "duty_meta" in tables and not conn.execute(
                f"SELECT {_ANY_DATA}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _holds_data(alias: str) -> bool:
    """Whether the store's own tables hold anything: its meta rows or an audit entry."""
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {_ANY_DATA}")
        return bool(cursor.fetchone()[0])


def migrate(alias: str) -> None:
    from django.core.management import call_command

    call_command("migrate", database=alias, verbosity=0, interactive=False)


def open_store(target: StoreTarget, *, create: bool = False, migrating: bool = False) -> Store:
    """Open a store (``create``: a new one, which must not exist yet; its schema is made. A
    database holding duty's schema and no data, as an initialisation that stopped after its
    migrations leaves it, counts as not existing).

    A store whose schema is behind this program's is refused, unless ``migrating`` (the
    explicit migration step alone): no other command changes a shared store's schema."""
    if target.engine == "sqlite":
        path = target.sqlite_path
        if path.is_dir():
            raise StoreError(f"数据库应为文件，而 {path} 是目录", store=target.shown,
                             reason="is-directory")
        if create and path.exists() and not _schema_only(path):
            raise StoreError(f"数据库已存在：{path}", store=target.shown, reason="exists",
                             hint="换一个文件名，或直接使用该数据库。")
        if not create and not path.exists():
            raise StoreError(f"数据库不存在：{path}", store=target.shown, reason="missing",
                             hint="先用 duty store init 创建数据库。")
    alias = _register(target)
    store = Store(target, alias)
    try:
        if target.schema:
            _county_schema(store, create=create)
        tables = _tables(alias)
        if create:
            if "duty_meta" in tables and _holds_data(alias):
                raise StoreError("该数据库已有 duty 的数据", store=target.shown, reason="exists")
            migrate(alias)
            return store
        if "duty_meta" not in tables:
            if {"meta", "audit", "proposals"} <= tables:
                raise StoreError("这是旧版（结构版本 1–2）的数据库", store=target.shown,
                                 reason="legacy",
                                 hint="先迁移到当前结构（store upgrade，不丢失数据）。")
            raise StoreError("该数据库尚未初始化", store=target.shown, reason="uninitialised",
                             hint="先用 duty store init 创建数据库。")
        plan, unknown = _pending_migrations(alias)
        if unknown:
            raise StoreError("数据库的结构版本高于本程序支持的版本", store=target.shown,
                             reason="newer", hint="请升级 duty 后再使用该数据库。")
        if plan and not migrating:
            raise StoreError(f"数据库的结构版本落后于本程序（待迁移 {len(plan)} 项）",
                             store=target.shown, reason="behind",
                             hint="先运行 duty store migrate 迁移数据库结构（共用的数据库请先"
                                  "备份，并确认各处的 duty 均已升级）。")
        if plan:
            store.migrated = [f"{mig.app_label}.{mig.name}" for mig, _ in plan]
            try:
                migrate(alias)
            except StoreError as exc:  # a migration's refusal names no store: this one
                raise StoreError(exc.message, store=target.shown, reason=exc.reason,
                                 hint=exc.hint) from None
        store.meta = _read_meta(store)
    except (StoreError, NotFoundError):
        close(store)
        raise
    except _db_errors() as exc:
        close(store)
        raise store_error(target, exc) from None
    return store


def county_ids(alias: str) -> list[str]:
    """The counties a PostgreSQL database holds (the ids of their schemas), in order."""
    from django.db import connections

    from engine.store.config import SCHEMA_PREFIX

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT substr(schema_name, %s) FROM information_schema.schemata "
                       "WHERE starts_with(schema_name, %s) ORDER BY schema_name",
                       [len(SCHEMA_PREFIX) + 1, SCHEMA_PREFIX])
        return [row[0] for row in cursor.fetchall()]


def stored_counties(target: StoreTarget) -> list[str]:
    """The counties the PostgreSQL database of ``target`` holds."""
    alias = _register(target)
    try:
        return county_ids(alias)
    except _db_errors() as exc:
        raise store_error(target, exc) from None
    finally:
        close(Store(target, alias))


def open_counties(target: StoreTarget, counties: list[str]) -> list[Store]:
    """Counties of one PostgreSQL database opened to read, all on one connection (a province
    reads a hundred of them): each county's transactions select its schema. Each is refused,
    as ``open_store`` and ``open_keyed`` refuse a store, when its schema is behind this
    program's or newer, or when the key is not the one it was made with."""
    from engine.store.config import county_schema
    from engine.store.keys import fingerprint, load_key

    database = target.for_county(None)
    key = load_key(target.key_file, database.shown)
    alias = _register(database)
    stores = []
    try:
        expected = _migration_nodes()
        for county in counties:
            store = Store(target.for_county(county), alias, key=key,
                          schema=county_schema(county))
            with transaction(store, write=False):
                applied = _applied(alias)
                store.meta = _read_meta(store)
            if store.meta.get("key") != fingerprint(key):
                raise StoreError(f"审计密钥 {target.key_file} 不属于该县区",
                                 store=store.target.shown, reason="wrong-key",
                                 hint="用 DUTY_AUDIT_KEY 指定存放各县区的数据库的密钥文件。")
            if applied - expected:
                raise StoreError("数据库的结构版本高于本程序支持的版本", store=store.target.shown,
                                 reason="newer", hint="请升级 duty 后再使用该数据库。")
            if expected - applied:
                raise StoreError(f"数据库的结构版本落后于本程序（待迁移 "
                                 f"{len(expected - applied)} 项）", store=store.target.shown,
                                 reason="behind", hint="先运行 duty store migrate 迁移该县区。")
            stores.append(store)
    except BaseException:
        close(Store(database, alias))
        raise
    return stores


@functools.cache
def _migration_nodes() -> frozenset[tuple[str, str]]:
    """Every migration of the apps a store has, as this program knows them."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(key for key in loader.graph.nodes if key[0] in loader.migrated_apps)


def _applied(alias: str) -> set[tuple[str, str]]:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return {(app, name) for app, name in cursor.fetchall()}


def _select_schema(alias: str, schema: str) -> None:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(f'SET LOCAL search_path TO "{schema}"')


def _county_schema(store: Store, *, create: bool) -> None:
    """A county's schema in a database of many: made for a new store; for any other command
    it must be there, or the county is not in the database."""
    from django.db import connections

    target = store.target
    known = county_ids(store.alias)
    if create:
        if target.county not in known:
            with connections[store.alias].cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{target.schema}"')
        return
    if target.county not in known:
        raise county_missing(target, target.county or "", known)


def county_missing(target: StoreTarget, county: str, known: list[str]) -> NotFoundError:
    """A county the database does not hold, with those it does."""
    return NotFoundError(f"数据库 {target.name} 中没有县区 “{county}”", kind="county",
                         name=county, known=known,
                         hint="数据库中的县区：" + ("、".join(known) or "无") +
                              "；新县区先用 duty store init 建立。")


def many_counties(target: StoreTarget) -> list[str]:
    """The counties of the database ``target`` names, which must be PostgreSQL."""
    if target.engine != "postgresql":
        from engine.errors import UsageError

        raise UsageError("只有 PostgreSQL 数据库可存放多个县区",
                         hint="SQLite 数据库只存放一个县区：请直接使用该数据库或给出县区目录。")
    return stored_counties(target)


def _read_meta(store: Store) -> dict[str, str]:
    from engine.store.orm import m
    from engine.store.router import using

    with using(store.alias):
        return {r.key: r.value for r in m.StoreMeta.objects.all()}


@contextmanager
def transaction(store: Store, *, write: bool = True) -> Iterator[Any]:
    """One command's work in one transaction; the audit entries it begins are sealed and the
    head checkpointed when it commits. Nothing is kept on any error."""
    from django.db import transaction as dj

    from engine.store.chain import Chain
    from engine.store.router import using

    chain = Chain(store) if write else None
    alias = store.alias if write else read_alias(store)
    try:
        with using(alias), _commit_fault(alias if write else None):
            with dj.atomic(using=alias):
                if store.schema:
                    _select_schema(alias, store.schema)
                if chain is not None:
                    chain.lock()
                yield chain
                if chain is not None:
                    chain.seal()
                    fault_point("before-commit")
            if chain is not None:
                try:
                    chain.checkpoint()
                except OSError as exc:  # committed: say so, lest the command be repeated
                    raise checkpoint_error(store.target, exc) from None
    except _db_errors() as exc:
        raise store_error(store.target, exc) from None
