"""The parts of the web application that need no server: charts, the serve command's checks,
the signing key file, the steps a role is offered."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def test_signing_key_file_is_private_and_stable(tmp_path: Path, monkeypatch) -> None:
    from engine.store.config import store_target
    from engine.web.secret import secret_file, web_secret

    monkeypatch.delenv("DUTY_SECRET_KEY", raising=False)
    monkeypatch.delenv("DUTY_SECRET_KEY_FILE", raising=False)
    monkeypatch.delenv("DUTY_AUDIT_KEY", raising=False)
    target = store_target(tmp_path / "duty.db")
    first = web_secret(target)
    assert secret_file(target) == tmp_path / "duty.db.secret"
    assert stat.S_IMODE(secret_file(target).stat().st_mode) == 0o600
    assert web_secret(target) == first and len(first) >= 50
    monkeypatch.setenv("DUTY_SECRET_KEY", "from-the-environment")
    assert web_secret(target) == "from-the-environment"


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
