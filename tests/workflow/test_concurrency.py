"""Many `duty` processes on one store at once, and processes killed in the middle of a step.

Each command runs in one ``BEGIN IMMEDIATE`` transaction: concurrent commands are serialised
(none is lost, none fails for a busy database), and a process killed before COMMIT leaves no
trace of its step. These tests start real processes (the fifty at once are forked from one
process that has loaded the program, so that the machine spends its time on the commands, not
on fifty loads) and, for the kill tests, pause a process at a fault point with
``DUTY_FAULT_PAUSE=point:MARKER`` and kill it with SIGKILL once the marker file appears.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.clock import CHINA
from tests.conftest import MINI, ROOT, run_cli
from tests.store.test_verify import verify
from tests.workflow.conftest import NOW, STREETS, Flow

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

OPINIONS = ["agree", "agree_with_conditions", "object"]
# How long a child may take. On a loaded machine fifty children starting at once take minutes
# and each waits its turn for the write lock behind the others: the tests bound nothing by
# time but a hang, and the children wait for the lock as long as that (the store's own wait,
# SQLITE_TIMEOUT_S, is for people, not for fifty processes queued on purpose).
PATIENCE_S = 900
CHILD = ("import sys; import engine.store.config as c; c.SQLITE_TIMEOUT_S = int(sys.argv.pop(1)); "
         "from engine.cli import main; main()")
# Loads the program once (no database opened), then forks a child per job of the plan; prints
# the children's exit codes as JSON, in the plan's order.
FORKER = """
import json, os, sys, traceback
plan = json.load(open(sys.argv[1], encoding="utf-8"))
import engine.store.config as c
c.SQLITE_TIMEOUT_S = plan["patience"]
from engine.cli import main
import engine.api, engine.workflow.service, engine.rules.adapter
c.ensure_django()
children = {}
for i, job in enumerate(plan["jobs"]):
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.environ.clear()
            os.environ.update(job["env"])
            for fd, name in ((1, job["out"]), (2, job["err"])):
                os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
            sys.argv = ["duty", *job["args"]]
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else int(done.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    children[pid] = i
codes = [None] * len(plan["jobs"])
for _ in children:
    pid, status = os.wait()
    codes[children[pid]] = os.waitstatus_to_exitcode(status)
print(json.dumps(codes))
"""


class Children:
    """Child `duty` processes; every one still running at the end is killed."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.procs: list[subprocess.Popen[str]] = []

    def environment(self, args: tuple[str, ...], env: dict[str, str] | None = None,
                    real_clock: bool = False) -> dict[str, str]:
        """A child's environment: the tests' fixed time (``real_clock``: the real clock, as an
        office's commands run) and the token of the role it acts in."""
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("DUTY_DB", "DUTY_ACTOR", "DUTY_COUNTY", "DUTY_FAULT_PAUSE",
                                "DUTY_TOKEN", "DUTY_NOW")}
        role = args[args.index("--as") + 1] if "--as" in args else None
        if not real_clock:
            environ["DUTY_NOW"] = os.environ.get("DUTY_NOW", NOW)
        return {**environ, **self.flow.env(role), **(env or {})}

    def command(self, args: tuple[str, ...]) -> list[str]:
        return ["proposal", *args, "--county", str(MINI), "--db", str(self.flow.db)]

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """A child `duty proposal …` at the tests' fixed time."""
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(PATIENCE_S), *self.command(args)],
            cwd=ROOT, env=self.environment(args, env), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    def many(self, commands: list[tuple[str, ...]]) -> list[tuple[int, str, str]]:
        """Run ``commands`` at once on the real clock, each in a process of its own: one
        process loads the program, then forks a child per command (each with its own
        environment, database connection and output files), so that fifty processes start
        without fifty loads of the program. (exit code, stdout, stderr) per command."""
        folder = self.flow.tmp / "children"
        folder.mkdir()
        jobs = [{"args": self.command(cmd), "env": self.environment(cmd, real_clock=True),
                 "out": str(folder / f"{i}.out"), "err": str(folder / f"{i}.err")}
                for i, cmd in enumerate(commands)]
        plan = folder / "plan.json"
        plan.write_text(json.dumps({"patience": PATIENCE_S, "jobs": jobs}), encoding="utf-8")
        run = subprocess.run([sys.executable, "-c", FORKER, str(plan)], cwd=ROOT,
                             capture_output=True, text=True, timeout=PATIENCE_S)
        assert run.returncode == 0, run.stderr
        codes = json.loads(run.stdout.splitlines()[-1])
        return [(code, Path(job["out"]).read_text(encoding="utf-8"),
                 Path(job["err"]).read_text(encoding="utf-8"))
                for code, job in zip(codes, jobs, strict=True)]

    def paused(self, point: str, *args: str) -> subprocess.Popen[str]:
        """A child stopped at fault point ``point``, holding its transaction open."""
        marker = self.flow.tmp / f"paused-{point}-{len(self.procs)}"
        proc = self.spawn(*args, env={"DUTY_FAULT_PAUSE": f"{point}:{marker}"})
        deadline = time.monotonic() + PATIENCE_S
        while not marker.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"child ended before {point} (exit {proc.returncode}): {out}{err}")
            if time.monotonic() > deadline:
                pytest.fail(f"child did not reach {point} within {PATIENCE_S} s")
            time.sleep(0.05)
        time.sleep(0.05)  # the marker is written whole before the pause; be safe
        assert marker.read_text(encoding="utf-8") == str(proc.pid)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[str]) -> None:
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL

    def cleanup(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
            if proc.stderr:
                proc.stderr.close()


@pytest.fixture
def children(flow: Flow) -> Iterator[Children]:
    for role in ("office", "justice", "county", "department:fire_rescue",
                 *(f"street:{s}" for s in STREETS)):
        flow.env(role)  # every account exists before the test counts or snapshots
    kids = Children(flow)
    try:
        yield kids
    finally:
        kids.cleanup()


def _state_of_store(flow: Flow) -> dict[str, Any]:
    """Everything a step could change, read with plain SQLite."""
    return {
        "proposals": flow.sql("SELECT id, state, revision, legal, due, state_since "
                              "FROM duty_proposal ORDER BY id"),
        "opinions": flow.sql("SELECT proposal, street, opinion, actor FROM duty_opinion "
                             "ORDER BY seq"),
        "decisions": flow.sql("SELECT proposal, stage, verdict FROM duty_decision ORDER BY seq"),
        "meetings": flow.sql("SELECT * FROM duty_meeting ORDER BY seq"),
        "versions": flow.sql("SELECT number FROM duty_version ORDER BY number"),
        "published": flow.sql("SELECT * FROM duty_version_proposal ORDER BY version, proposal"),
        "audit": flow.sql("SELECT seq, mac FROM duty_audit ORDER BY seq"),
    }


def _audit_consistent(flow: Flow) -> None:
    """The audit chain verifies, and each proposal's entries chain its states to the one
    stored."""
    run = run_cli("audit", "verify", "--db", flow.db)
    assert run.code == 0, run.stdout
    seqs = [r[0] for r in flow.sql("SELECT seq FROM duty_audit ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    for pid, state in flow.sql("SELECT id, state FROM duty_proposal"):
        entries = flow.sql("SELECT state_before, state_after FROM duty_audit WHERE proposal = ? "
                           "ORDER BY seq", pid)
        assert entries[0][0] is None
        for (_, after), (before, _) in itertools.pairwise(entries):
            assert before == after, pid
        assert entries[-1][1] == state, pid


# --- many processes at once ---------------------------------------------------------------------


def test_fifty_concurrent_commands(flow: Flow, children: Children) -> None:
    """Fifty processes on the real clock, each a step of its own proposal (or two steps racing
    on one), each waiting its turn for the write lock: every step is recorded once, in a
    state the process allows, and ``audit verify`` then finds no problem and no warning (no
    clock going backwards, no gap, nothing lost), on SQLite and on PostgreSQL."""
    # the proposals are brought to their steps a minute ago; the children act now
    flow.now((datetime.now(CHINA) - timedelta(minutes=1))
             .isoformat(timespec="seconds"))
    hearing = [flow.to_hearing(id=f"P-H-{i:02d}") for i in range(10)]
    to_review = [flow.submit(id=f"P-R-{i}") for i in range(4)]
    to_legal = [flow.submit(id=f"P-L-{i}") for i in range(4)]
    for pid in to_legal:
        flow.review(pid)
    race = flow.submit(id="P-X")  # review and legal at once: legal may come first (refused)
    audit_before = len(flow.sql("SELECT seq FROM duty_audit"))

    wanted = {(pid, street): OPINIONS[(i + j) % 3]
              for i, pid in enumerate(hearing) for j, street in enumerate(STREETS)}
    commands = [("hear", pid, "--street", street, "--opinion", opinion,
                 "--as", f"street:{street}") for (pid, street), opinion in wanted.items()]
    commands += [("review", pid, "--as", "office") for pid in [*to_review, race]]
    commands += [("legal", pid, "--passed", "--as", "justice") for pid in [*to_legal, race]]
    assert len(commands) == 50
    random.Random(20251001).shuffle(commands)

    started = time.monotonic()
    results = [(cmd, *result) for cmd, result in zip(commands, children.many(commands),
                                                       strict=True)]
    elapsed = time.monotonic() - started
    print(f"50 concurrent commands: {elapsed:.1f} s")

    race_legal_ok = True
    for cmd, code, out, err in results:
        if cmd[:2] == ("legal", race) and code != 0:
            race_legal_ok = False
            assert code == 1 and "[E-REFUSED]" in err and "submitted" in err, err
            assert "legal_pass" in err
            continue
        assert (code, err) == (0, ""), (cmd, out, err)
        assert out.startswith(f"申请 {cmd[1]}：\n"), out
    assert "database is locked" not in "".join(r[3] for r in results)

    # every opinion recorded exactly once, by its street
    rows = flow.sql("SELECT proposal, street, opinion, actor FROM duty_opinion")
    assert len(rows) == 40
    assert sorted((p, s) for p, s, _, _ in rows) == sorted(wanted)
    assert {(p, s): o for p, s, o, _ in rows} == wanted
    assert all(actor == f"street:{s}" for _, s, _, actor in rows)

    # each hearing closed once, right after its last opinion, by that street
    for pid in hearing:
        assert flow.state(pid) == "deliberation"
        entries = flow.sql("SELECT role, action, detail FROM duty_audit WHERE proposal = ? AND "
                           "action IN ('opinion', 'close_hearing') ORDER BY seq", pid)
        assert [a for _, a, _ in entries] == ["opinion"] * 4 + ["close_hearing"]
        assert sorted(flow.json(d)["street"] for _, _, d in entries[:4]) == STREETS
        assert entries[4][0] == entries[3][0]
    for pid in to_review:
        assert flow.state(pid) == "legal_review"
    for pid in to_legal:
        assert flow.state(pid) == "hearing"
    assert flow.state(race) == ("hearing" if race_legal_ok else "legal_review")

    added = len(flow.sql("SELECT seq FROM duty_audit")) - audit_before
    assert added == 40 + 10 + 2 * 5 + 4 + int(race_legal_ok)
    _audit_consistent(flow)
    code, report = verify(flow)
    assert (code, report["problems"], report["warnings"]) == (0, [], [])


def test_concurrent_publications_get_distinct_versions(flow: Flow, children: Children) -> None:
    pids = [flow.to_admitted(id=f"P-V-{i}", item__name=f"消防巡查{i}", streets=[s])
            for i, s in enumerate(STREETS)]
    procs = [children.spawn("publish", pid, "--as", "office") for pid in pids]
    for proc in procs:
        _, err = proc.communicate(timeout=PATIENCE_S)
        assert (proc.returncode, err) == (0, ""), err
    assert flow.sql("SELECT number FROM duty_version ORDER BY number") == [(n,) for n in range(5)]
    published = flow.sql("SELECT version, proposal FROM duty_version_proposal ORDER BY version")
    assert sorted(p for _, p in published) == pids
    assert [v for v, _ in published] == [1, 2, 3, 4]
    # the last version holds every item, each on its one street
    diff = json.loads(run_cli("lists", "diff", "--from", "0", "--to", "4", "--db", flow.db,
                              "--format", "json").stdout)["diff"]
    assert sorted((c["street"], c["item"], c["change"]) for c in diff["changes"]) == [
        (s, p, "added") for s, p in zip(STREETS, pids, strict=True)]
    _audit_consistent(flow)


# --- killed in the middle of a step --------------------------------------------------------------


def test_kill_before_commit_of_an_opinion(flow: Flow, children: Children) -> None:
    pid = flow.to_hearing()
    flow.hear(pid, "S02")
    before = _state_of_store(flow)
    db_bytes = flow.db.read_bytes() if not flow.url else flow.snapshot()
    proc = children.paused("before-commit", "hear", pid, "--street", "S01", "--opinion",
                           "object", "--as", "street:S01")
    children.kill(proc)
    after = flow.db.read_bytes() if not flow.url else flow.snapshot()
    assert after == db_bytes  # nothing reached the database
    assert _state_of_store(flow) == before  # nor the log: the step did not happen
    assert flow.show(pid)["unheard"] == ["S01", "S03", "S04"]
    _audit_consistent(flow)
    run = flow.run("hear", pid, "--street", "S01", "--opinion", "object", actor="street:S01")
    assert run.code == 0, run.stderr
    assert flow.sql("SELECT street, opinion FROM duty_opinion WHERE proposal = ? ORDER BY seq",
                    pid) == [("S02", "agree"), ("S01", "object")]
    _audit_consistent(flow)


def test_kill_after_the_opinion_audit_entry(flow: Flow, children: Children) -> None:
    pid = flow.to_hearing()
    for street in ("S01", "S02", "S03"):
        flow.hear(pid, street)
    before = _state_of_store(flow)
    proc = children.paused("after-opinion-audit", "hear", pid, "--street", "S04", "--opinion",
                           "agree", "--as", "street:S04")
    children.kill(proc)
    assert _state_of_store(flow) == before  # neither the audit entry nor the opinion
    assert flow.state(pid) == "hearing"
    _audit_consistent(flow)
    flow.hear(pid, "S04")  # the same command again: now it closes the hearing
    assert flow.state(pid) == "deliberation"
    assert len(flow.sql("SELECT * FROM duty_opinion WHERE proposal = ?", pid)) == 4
    _audit_consistent(flow)


def test_kill_before_commit_of_a_publication(flow: Flow, children: Children,
                                             golden: Any) -> None:
    pid = flow.to_admitted()
    before = _state_of_store(flow)
    proc = children.paused("before-commit", "publish", pid, "--as", "office")
    children.kill(proc)
    assert _state_of_store(flow) == before
    assert flow.state(pid) == "admitted"
    run = run_cli("lists", "build", "--version", "1", "--db", flow.db)
    assert run.code == 2 and "[E-NOTFOUND]" in run.stderr and "1" in run.stderr
    golden("errors/workflow_concurrency/no-list-version-1.txt",
           run.stderr.replace(flow.target_name, "<store>"))
    _audit_consistent(flow)
    run = flow.publish(pid)
    assert "已公布清单第 1 版" in run.stdout
    assert flow.show(pid)["published_in"] == 1
    _audit_consistent(flow)


def test_a_second_writer_waits_for_the_first(flow: Flow, children: Children) -> None:
    pid = flow.to_hearing()
    first = children.paused("before-commit", "hear", pid, "--street", "S01", "--opinion",
                            "agree", "--as", "street:S01")
    second = children.spawn("hear", pid, "--street", "S02", "--opinion", "object",
                            "--as", "street:S02")
    time.sleep(3)  # long enough for the second to start and reach BEGIN IMMEDIATE
    assert second.poll() is None  # waiting for the lock, not failed
    children.kill(first)
    _, err = second.communicate(timeout=PATIENCE_S)
    assert (second.returncode, err) == (0, ""), err
    assert flow.sql("SELECT street, opinion FROM duty_opinion") == [("S02", "object")]
    _audit_consistent(flow)


def test_readers_go_on_while_a_writer_works(flow: Flow, children: Children,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading commands see the last committed state while a writer holds the write lock."""
    pid = flow.to_hearing()
    proc = children.paused("before-commit", "hear", pid, "--street", "S01", "--opinion",
                           "agree", "--as", "street:S01")
    from engine.store import config

    monkeypatch.setattr(config, "SQLITE_TIMEOUT_S", 0.5)  # fail fast instead of waiting 60 s
    try:
        run = flow.run("show", pid, "--format", "json")
        assert run.code == 0, run.stderr
        assert json.loads(run.stdout)["unheard"] == STREETS
        for args in (("list",), ("history", pid), ("overdue",)):
            assert flow.run(*args).code == 0, args
        assert run_cli("audit", "verify", "--db", flow.db).code == 0
        run = run_cli("lists", "build", "--version", "0", "--street", "S01", "--db", flow.db)
        assert run.code == 0, run.stderr
    finally:
        children.kill(proc)
