"""``make bench`` (web part): a bounded load test of the web application on loopback.

A fresh store of the sample county gets one account per street and ``PROPOSALS`` proposals
waiting for the streets' opinions; ``duty serve`` runs it under gunicorn on a free loopback
port. ``--sessions`` logged-in street sessions then browse their lists, the proposals and a
proposal page, and give their street's opinion on the proposals assigned to them, for
``--seconds``. Reported: the p50 and p95 page times by kind, the requests served, the errors
(anything but a page, a redirect or a refusal the process words), and whether ``duty audit
verify`` passes on the store afterwards.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STREETS = [f"S0{i}" for i in range(1, 10)]
PASSWORD = "bench-Secret-1"  # a throwaway store made for this run only


def _proposal(i: int) -> dict[str, Any]:
    return {"schema_version": 1, "id": f"P-B-{i:04d}", "title": f"消防通道巡查（片区{i}）",
            "department": "fire_rescue", "streets": "all", "mode": "hand_over",
            "item": {"name": f"无物业小区消防通道巡查（片区{i}）", "category": "specialist",
                     "phases": ["patrol", "report"], "powers": [],
                     "legal_basis": "《中华人民共和国消防法》第三十二条",
                     "public_facing": False, "high_volume": False, "workload_days": 5},
            "resources": {"funding": 5000, "staff": 0, "powers_delegated": []},
            "work_plan": True}


def prepare(folder: Path, proposals: int) -> Path:
    """The store, its accounts and the proposals in hearing (through the service)."""
    os.environ["DUTY_DB"] = str(folder / "duty.db")
    from engine.api import workflow
    from engine.loading.proposal import ProposalSource
    from engine.loading.yamlio import Document, validate
    from engine.models.proposal import Proposal
    from engine.store.config import store_target
    from engine.web.demo import seed
    from engine.workflow.names import RoleKind
    from engine.workflow.roles import Actor, Clock, Role

    target = store_target(folder / "duty.db")
    accounts = [("admin", ["admin"], PASSWORD)] + [
        (s.lower(), [f"street:{s}"], PASSWORD) for s in STREETS]
    seed(None, target, accounts, Clock.real())
    fire = Actor("bench", Role(RoleKind.department, "fire_rescue"))
    office, justice = Actor("bench", Role(RoleKind.office)), Actor("bench",
                                                                   Role(RoleKind.justice))
    with workflow(None, target) as service:
        for i in range(proposals):
            data = _proposal(i)
            doc = Document(Path("bench"), data, {}, "bench")
            source = ProposalSource(validate(Proposal, doc), doc)
            service.submit(fire, Clock.real(), source)
            service.review(office, Clock.real(), data["id"])
            service.legal(justice, Clock.real(), data["id"], True)
    return target.sqlite_path


class Session:
    def __init__(self, base: str, street: str, mine: list[str]) -> None:
        self.base, self.street, self.mine = base, street, list(mine)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict[str, str] | None = None) -> int:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._token()}).encode()
        req = urllib.request.Request(self.base + path, data=body,
                                     headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=120) as resp:
                resp.read()
                return int(resp.status)
        except urllib.error.HTTPError as err:
            err.read()
            return int(err.code)

    def login(self) -> None:
        self.request("/login/")
        status = self.request("/login/", {"username": self.street.lower(),
                                          "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"log-in of {self.street} failed: {status}")


def run_load(base: str, sessions: int, seconds: float, proposals: int) -> dict[str, Any]:
    ids = [f"P-B-{i:04d}" for i in range(proposals)]
    people: list[Session] = []
    for n in range(sessions):
        street = STREETS[n % len(STREETS)]
        peers = [k for k in range(sessions) if STREETS[k % len(STREETS)] == street]
        rank = peers.index(n)
        people.append(Session(base, street, ids[rank::len(peers)]))
    for person in people:
        person.login()
    times: dict[str, list[float]] = {"list": [], "proposals": [], "proposal": [], "opinion": []}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def note(kind: str, started: float, status: int) -> None:
        with lock:
            times[kind].append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    def work(person: Session) -> None:
        step = 0
        while time.monotonic() < stop_at:
            pid = person.mine[step % len(person.mine)] if person.mine else ids[0]
            for kind, path, data in (
                    ("list", f"/lists/?street={person.street}", None),
                    ("proposals", "/proposals/", None),
                    ("proposal", f"/proposals/{pid}/", None)):
                started = time.perf_counter()
                note(kind, started, person.request(path, data))
            if person.mine:
                pid = person.mine.pop(0)
                started = time.perf_counter()
                note("opinion", started, person.request(
                    f"/proposals/{pid}/opinion/", {"street": person.street, "opinion": "agree",
                                                   "note": "压力测试"}))
            step += 1

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    everything = [x for values in times.values() for x in values]

    def pct(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0

    return {
        "sessions": sessions, "seconds": round(elapsed, 1), "requests": len(everything),
        "per_second": round(len(everything) / elapsed, 1),
        "p50_ms": round(pct(everything, 50), 1), "p95_ms": round(pct(everything, 95), 1),
        "by_kind": {k: {"count": len(v), "p50_ms": round(pct(v, 50), 1),
                        "p95_ms": round(pct(v, 95), 1)} for k, v in times.items()},
        "statuses": dict(sorted(statuses.items())),
        "errors": sum(c for s, c in statuses.items() if s >= 500 or s in (400, 403, 404)),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="网页应用的限时压力测试（本机回环地址）。")
    parser.add_argument("--sessions", type=int, default=50, help="同时在线的会话数")
    parser.add_argument("--seconds", type=float, default=60.0, help="持续时间（秒）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数")
    parser.add_argument("--proposals", type=int, default=60, help="待反馈意见的申请数")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="duty-web-bench-") as tmp:
        folder = Path(tmp)
        db = prepare(folder, args.proposals)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
        env["DUTY_DB"] = str(db)
        env["PYTHONPATH"] = str(ROOT)
        log = (folder / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--port",
                                   str(port), "--workers", str(args.workers)], cwd=folder,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/login/", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.3)
            result = run_load(base, args.sessions, args.seconds, args.proposals)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        verify = subprocess.run([sys.executable, "-m", "engine.cli", "audit", "verify", "--db",
                                 str(db)], capture_output=True, text=True, env=env,
                                check=False)
        result["audit_verify"] = {"exit_code": verify.returncode,
                                  "first_line": verify.stdout.splitlines()[0]
                                  if verify.stdout else verify.stderr.strip()}
    print(json.dumps({"web_load": result}, ensure_ascii=False, indent=2))
    ok = result["errors"] == 0 and verify.returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
