"""``duty store migrate`` is the one step that changes a store's schema: every other command
refuses a store that is behind (and leaves it as it was); migrating keeps the audit verifying;
the models and their migrations agree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

from engine.errors import StoreError
from tests.conftest import MINI, ROOT, run_cli
from tests.services import sqlite_template
from tests.workflow.conftest import Flow

MANAGE = [sys.executable, "-m", "engine.store.manage"]


def behind(flow: Flow) -> None:
    """Make the store look like one made before the sessions table joined the schema (as a
    store made by an older ``duty`` looks to this one)."""
    flow.sql("DELETE FROM django_migrations WHERE app = 'sessions'")
    flow.sql("DROP TABLE django_session")


def test_a_store_behind_is_refused_until_migrated(flow: Flow) -> None:
    pid = flow.submit()
    behind(flow)
    before = flow.snapshot()
    for args in (("proposal", "list"), ("proposal", "show", pid), ("audit", "verify"),
                 ("lists", "build", "--street", "S01")):
        run = run_cli(*args, "--db", flow.db)
        assert run.code == StoreError.exit_code, (args, run.stderr)
        assert "[E-STORE]" in run.stderr and "duty store migrate" in run.stderr
        assert flow.snapshot() == before  # nothing migrated behind anyone's back
    run = run_cli("store", "migrate", "--db", flow.db, "--format", "json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["applied"] == ["sessions.0001_initial"]
    assert run_cli("audit", "verify", "--db", flow.db).code == 0  # the audit still verifies
    assert flow.show(pid)["state"] == "submitted"
    again = run_cli("store", "migrate", "--db", flow.db, "--format", "json")
    assert json.loads(again.stdout)["applied"] == []


def test_models_and_migrations_agree() -> None:
    run = subprocess.run([*MANAGE, "makemigrations", "--check", "--dry-run"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_model_change_without_its_migration_is_caught() -> None:
    changed = ("import engine.store.orm\n"
               "from django.db import models\n"
               "from engine.store import records as m\n"
               "m.ProposalRecord.add_to_class('extra', models.IntegerField(default=0))\n"
               "from engine.store.manage import main\n"
               "main(['makemigrations', '--check', '--dry-run'])\n")
    run = subprocess.run([sys.executable, "-c", changed], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert run.returncode == 1 and "extra" in run.stdout, run.stdout + run.stderr


def test_the_schema_tool_does_not_migrate() -> None:
    run = subprocess.run([*MANAGE, "migrate"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 2 and "duty store migrate" in run.stderr


def test_init_takes_a_schema_without_data_and_refuses_a_store(flow: Flow, golden: Any) -> None:
    """`store init` takes a database that holds the schema and no data (an initialisation
    that stopped after its migrations; the tests' stores are copies of such a database), and
    refuses one that holds a store, naming the reason and changing nothing; on SQLite, any
    other existing file (empty, not a database) is refused and left as it was."""
    assert flow.sql("SELECT COUNT(*) FROM duty_meta")[0][0] > 0  # initialised in the copy
    flow.monkeypatch.setenv("DUTY_AUDIT_KEY", str(flow.tmp / "another.key"))
    flow.monkeypatch.setenv("DUTY_CHECKPOINTS", str(flow.tmp / "another.checkpoints"))
    before = flow.snapshot()
    again = run_cli("store", "init", "--county", MINI, "--db", flow.db, "--rehearsal",
                    "--format", "json")
    assert again.code != 0 and again.stderr.count("[E-STORE]") == 1
    assert again.stderr.index("[E-STORE]") < again.stderr.index("\n")  # on the first line
    # the two back ends word why differently; the store is named alike in the golden files
    golden(f"errors/store_migrate/init-refuses-a-store-{flow.engine}.txt",
           again.stderr.replace(flow.target_name, "<store>"))
    assert flow.snapshot() == before
    assert not (flow.tmp / "another.key").exists()  # nothing half-made
    if flow.engine == "sqlite":
        for name, content in (("empty.db", b""), ("notes.db", b"not a database\n")):
            other = flow.tmp / name
            other.write_bytes(content)
            run = run_cli("store", "init", "--county", MINI, "--db", other, "--rehearsal")
            assert (run.code, other.read_bytes()) == (2, content), run.stderr
            assert "[E-STORE]" in run.stderr and name in run.stderr
            golden("errors/store_migrate/init-refuses-an-existing-file.txt",
                   run.stderr.replace(name, "<name>"))
        # the schema alone, but a write-ahead log beside it may hold data: refused as well
        logged = flow.tmp / "logged.db"
        shutil.copyfile(sqlite_template(), logged)
        (flow.tmp / "logged.db-wal").write_bytes(b"\0" * 32)
        run = run_cli("store", "init", "--county", MINI, "--db", logged, "--rehearsal")
        assert run.code == 2 and "[E-STORE]" in run.stderr and "logged.db" in run.stderr
        golden("errors/store_migrate/init-refuses-an-existing-file.txt",
               run.stderr.replace("logged.db", "<name>"))
        assert (logged.read_bytes(), (flow.tmp / "logged.db-wal").read_bytes()) == (
            sqlite_template().read_bytes(), b"\0" * 32)


def test_every_model_has_chinese_names_and_a_str() -> None:
    """The admin shows every table and field in Chinese and every row by what it is."""
    import re

    from django.apps import apps

    import engine.store.orm  # noqa: F401  (Django set up, the store's apps loaded)

    chinese = re.compile(r"[\u4e00-\u9fff]")
    ours = [m for m in apps.get_models()
            if m.__module__.startswith("engine.store")]
    assert len(ours) == 21
    for model in ours:
        assert chinese.search(str(model._meta.verbose_name)), model
        assert "__str__" in vars(model), model
        for field in model._meta.concrete_fields:
            if field.name not in ("seq", "id"):
                assert chinese.search(str(field.verbose_name)) or field.name == "sha256", \
                    (model, field.name)
