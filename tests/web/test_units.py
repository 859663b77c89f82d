"""The parts of the web application that need no server: charts, the serve command's checks,
the signing key file, the steps a role is offered."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.errors import StoreError
from tests.conftest import ROOT, run_cli


def test_charts_are_deterministic_and_escaped() -> None:
    from engine.web.charts import bars

    rows = [("解放路<街道>", [10.0, 5.0]), ("人民路街道", [0.0, 7.5])]
    one = bars("经费 & 工作量", rows, ["部门甲", "部门乙"], "元")
    assert one == bars("经费 & 工作量", rows, ["部门甲", "部门乙"], "元")
    assert one.startswith("<svg") and one.endswith("</svg>")
    assert "&lt;街道&gt;" in one and "经费 &amp; 工作量" in one and "<街道>" not in one
    assert one.count("<rect") == 2 + 3  # two legend keys, three non-empty bars
    assert "http" not in one.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_serve_refuses_bad_options_and_a_missing_store(tmp_path: Path, golden: Any) -> None:
    run = run_cli("serve", "--workers", "0")
    assert run.code == 2 and "--workers" in run.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    done = subprocess.run([sys.executable, "-m", "engine.cli", "serve", "--db",
                           str(tmp_path / "none.db")], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=False, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "[E-STORE]" in done.stderr and str(tmp_path / "none.db") in done.stderr
    golden("errors/web_units/serve-without-a-store.txt", done.stderr)
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing made beside it


def test_serve_on_a_busy_port_says_so_and_serves_nothing(tmp_path: Path, golden: Any) -> None:
    import socket

    from engine.store.config import store_target
    from engine.web.demo import seed
    from engine.workflow.roles import Clock

    db = tmp_path / "duty.db"
    seed(None, store_target(db), [("admin", ["admin"], "admin-Secret-1")], Clock.real())
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "engine.cli", "serve", "--db", str(db),
                               "--port", str(port)], capture_output=True, text=True,
                              cwd=ROOT, env=env, check=False, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "[E-PORT-BUSY]" in done.stderr and f" {port} " in done.stderr
    golden("errors/web_units/serve-on-a-busy-port.txt",  # the port suggested is free now
           re.sub(r"--port \d+", "--port <free>", done.stderr.replace(f" {port} ", " <port> ")))
    assert "--port" in done.stderr and "Traceback" not in done.stderr
    assert "http://" not in done.stdout + done.stderr


def test_signing_key_is_the_same_wherever_the_audit_key_is(tmp_path: Path, monkeypatch) -> None:
    """Two hosts holding the same audit key sign alike without a second file; another key
    signs otherwise; the signing key is not the audit key; the environment and a named file
    come first (the file private and stable)."""
    from engine.store.config import store_target
    from engine.store.keys import create_key
    from engine.web.secret import web_secret

    for name in ("DUTY_SECRET_KEY", "DUTY_SECRET_KEY_FILE", "DUTY_AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    here, there, other = (store_target(tmp_path / d / "duty.db") for d in ("a", "b", "c"))
    key = create_key(here.key_file, here.shown)
    there.key_file.parent.mkdir()
    shutil.copy2(here.key_file, there.key_file)
    create_key(other.key_file, other.shown)
    first = web_secret(here)
    assert first == web_secret(there) and len(first) >= 50
    assert first != web_secret(other) and key.hex() not in first
    assert not list(tmp_path.glob("*/*.secret"))  # nothing written beside the key
    named = tmp_path / "signing.secret"
    monkeypatch.setenv("DUTY_SECRET_KEY_FILE", str(named))
    made = web_secret(here)
    assert stat.S_IMODE(named.stat().st_mode) == 0o600
    assert web_secret(here) == made != first and len(made) >= 50
    monkeypatch.setenv("DUTY_SECRET_KEY", "from-the-environment")
    assert web_secret(here) == "from-the-environment"
    monkeypatch.delenv("DUTY_SECRET_KEY")
    monkeypatch.delenv("DUTY_SECRET_KEY_FILE")
    here.key_file.unlink()
    with pytest.raises(StoreError) as missing:  # no key: the store's own refusal
        web_secret(here)
    assert missing.value.reason == "no-key"


def test_steps_offered_follow_the_process_file() -> None:
    from engine.web.views.proposals import steps_for
    from engine.workflow.names import RoleKind
    from engine.workflow.process import load_process
    from engine.workflow.roles import Actor, Role

    process = load_process()
    office = Actor("o", Role(RoleKind.office))
    fire = Actor("f", Role(RoleKind.department, "fire_rescue"))
    other = Actor("u", Role(RoleKind.department, "urban_management"))
    s01, s03 = (Actor("s", Role(RoleKind.street, s)) for s in ("S01", "S03"))
    applicant = "department:fire_rescue"
    assert steps_for(process, office, "submitted", applicant, ["S01"], []) == ["review"]
    assert steps_for(process, fire, "submitted", applicant, ["S01"], []) == ["withdraw"]
    assert steps_for(process, other, "submitted", applicant, ["S01"], []) == []
    assert steps_for(process, s01, "hearing", applicant, ["S01"], ["S01"]) == ["opinion"]
    assert steps_for(process, s03, "hearing", applicant, ["S01"], ["S01"]) == []
    assert steps_for(process, fire, "returned", applicant, ["S01"], []) == ["resubmit",
                                                                             "withdraw"]
    assert steps_for(process, office, "admitted", applicant, ["S01"], []) == ["publish"]
