"""A store written before accounts were sealed (schema 0001) upgrades with its audit chain
intact: the migration adds the seal table, the first command that writes seals every account,
and from then on an account edited in the database is refused and named."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.store.test_typed_upgrade import as_written_before_typed
from tests.store.test_verify import verify
from tests.workflow.conftest import Flow


@pytest.fixture
def old_store(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, engine: str) -> Any:
    """A store as the previous release wrote it: migrated to 0001 only, no seals, rows of
    accounts not covered; with two accounts, one of them with a revoked token."""
    from tests.workflow.conftest import _clean_environment, pg_database

    old_migrate = migrated_back("store", "0001")
    with ExitStack() as stack:
        url = stack.enter_context(pg_database(migrated=False)) if engine == "postgresql" else None
        with monkeypatch.context() as old:
            _old_release(old, old_migrate)
            _clean_environment(monkeypatch)
            flow = Flow(tmp_path, monkeypatch, url)
            _populate(flow)
        as_written_before_typed(flow)
        yield flow


class _Absent:
    """The manager of a table the old release did not have: nothing is written to it, and it
    reads as empty without asking the database."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def create(self, **_: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.manager.none(), name)


def migrated_back(app: str, migration: str) -> Any:
    """A stand-in for the store's migration step that leaves ``app`` at ``migration``, as an
    earlier release left its stores."""
    def old_migrate(alias: str) -> None:
        from django.core.management import call_command

        call_command("migrate", database=alias, verbosity=0, interactive=False)
        call_command("migrate", app, migration, database=alias, verbosity=0,
                     interactive=False)

    return old_migrate


def _old_release(old: pytest.MonkeyPatch, old_migrate: Any) -> None:
    import importlib

    import engine.store.chain as chain
    import engine.store.records as models
    import engine.store.session as session
    import engine.store.verify as verify_module
    import engine.workflow.accounts as accounts

    first = importlib.import_module("engine.store.migrations.0001_initial").Migration
    tables = {op.options["db_table"] for op in first.operations
              if hasattr(op, "fields")}  # CreateModel
    # tables of later releases: the old one wrote and read none
    for later in (*models.COVERED, models.VersionSummary):
        if later._meta.db_table not in tables and later is not models.AccountSeal:
            old.setattr(later, "objects", _Absent(later.objects))
    old.setattr(models, "COVERED", tuple(t for t in models.COVERED
                                         if t._meta.db_table in tables))
    old.setattr(chain.Chain, "_seal_accounts", lambda self: None)
    old.setattr(session, "migrate", old_migrate)
    old.setattr(session, "_pending_migrations", lambda alias: ([], set()))  # 0001 was current
    old.setattr(accounts, "account_problem", lambda key, user: None)
    old.setattr(verify_module, "sealed_problems", lambda key: [])
    whole_lists_release(old)


def whole_lists_release(old: pytest.MonkeyPatch) -> None:
    """Versions kept as the releases before publication.0002 kept them: each version's lists
    whole, zlib-compressed JSON in the version's row (the audit digesting that binary
    column), and nothing converted."""
    import hashlib
    import zlib

    from django.db import connections

    import engine.store.audit as audit
    import engine.workflow.service as service
    from engine.lists.build import build_lists
    from engine.store.router import current_alias
    from engine.workflow import repository

    def keep_whole(number: int, at: Any, ws: Any, names: dict[str, str], revision: str,
                   seq: int) -> tuple[None, None]:  # no summary, no totals
        blob = zlib.compress(build_lists(ws).model_dump_json().encode())
        repository.add_version(number, at, "", names, revision, seq)
        with connections[current_alias.get() or "default"].cursor() as cursor:
            cursor.execute("UPDATE duty_version SET lists = %s WHERE number = %s",
                           [blob, number])
        return None, None

    plain = audit._plain

    def binary(field: Any, value: Any) -> Any:  # the column was binary: digested
        if isinstance(value, bytes | memoryview):
            return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
        return plain(field, value)

    old.setattr(service, "keep_version", keep_whole)
    old.setattr(service, "keep_summary", lambda *_: None)  # no summaries kept either
    old.setattr(service, "convert_whole", lambda begin: None)
    old.setattr(audit, "_plain", binary)

def _populate(flow: Flow) -> None:
    flow.to_hearing()
    flow.token("justice")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    assert run_cli("user", "token", "u-justice", "--revoke", "--db", flow.db).code == 0
    assert flow.sql("SELECT name FROM django_migrations WHERE app = 'store' "
                    "ORDER BY name") == [("0001_initial",)]


def test_an_old_store_upgrades_with_its_audit_intact(old_store: Flow) -> None:
    flow = old_store
    run = run_cli("store", "migrate", "--db", flow.db)  # the one step that migrates
    assert run.code == 0, run.stderr
    code, report = verify(flow)  # nothing sealed yet
    assert (code, report["problems"]) == (0, [])
    assert flow.sql("SELECT COUNT(*) FROM duty_account_seal") == [(0,)]
    pid = flow.submit(id="P-T-101")  # the first write seals every account
    sealed = {r[0] for r in flow.sql("SELECT username FROM duty_account_seal")}
    assert sealed == {r[0] for r in flow.sql("SELECT username FROM auth_user")}
    assert flow.state(pid) == "submitted"
    code, report = verify(flow)
    assert (code, report["problems"]) == (0, [])
    flow.sql("UPDATE duty_api_token SET revoked = NULL")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["justice"])
    run = run_cli("proposal", "list", "--county", flow.run_county, "--db", flow.db)
    assert run.code == 1 and "E-AUTH" in run.stderr
    code, report = verify(flow)
    assert code == 1 and any(p["kind"] == "account" and "u-justice" in p["message"]
                             for p in report["problems"])
