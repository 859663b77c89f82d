"""``make bench`` (web part): a bounded load test of the web application on loopback, with
``duty serve``'s defaults (two gunicorn workers).

A fresh store of the sample county gets one account per street and ``--proposals`` proposals
waiting for the streets' opinions. Then, as a full office would:

1. ``--sessions`` street sessions log in at the same moment (the clock runs from that moment:
   log-ins are measured, Argon2 and all), then each clicks a page every ``--pace`` seconds for
   ``--seconds`` (待办, its street's lists, the proposals, a proposal, its street's opinion on
   one assigned to it);
2. the five most opened pages, each requested back to back by ``--clients`` sessions for
   ``--closed-seconds``: pages per second.

Reported: log-in times (max, p95, how many over 2 s), page times (p50, p95, by kind), the
closed-loop rates, the errors (anything but a page, a redirect or a refusal the process
words), whether ``duty audit verify`` passes afterwards, and whether the issue's targets are
met (every log-in within 2 s, page p95 ≤ 200 ms, no errors, ≥ 100 pages/s each).
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


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def _is_error(status: int) -> bool:
    return status >= 500 or status in (400, 403, 404, 429)


def office(base: str, sessions: int, seconds: float, proposals: int,
           pace: float) -> dict[str, Any]:
    """A full office: ``sessions`` people log in at the same moment (each log-in timed from
    that moment to its page), then each clicks a page every ``pace`` seconds (their clicks
    spread over the interval) for ``seconds``: 待办, their street's lists, the proposals, a
    proposal, and their street's opinion on one assigned to them."""
    ids = [f"P-B-{i:04d}" for i in range(proposals)]
    people: list[Session] = []
    for n in range(sessions):
        street = STREETS[n % len(STREETS)]
        peers = [k for k in range(sessions) if STREETS[k % len(STREETS)] == street]
        people.append(Session(base, street, ids[peers.index(n)::len(peers)]))
    logins: list[float] = []
    times: dict[str, list[float]] = {"todo": [], "list": [], "proposals": [], "proposal": [],
                                     "opinion": []}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    gate = threading.Barrier(sessions)

    def note(kind: str, took: float, status: int) -> None:
        with lock:
            times[kind].append(took)
            statuses[status] = statuses.get(status, 0) + 1

    def work(n: int, person: Session) -> None:
        gate.wait()
        began = time.perf_counter()
        person.request("/login/")
        status = person.request("/login/", {"username": person.street.lower(),
                                            "password": PASSWORD})
        with lock:
            logins.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
        start = time.monotonic() + pace * n / sessions
        for click in range(int(seconds / pace)):
            due = start + click * pace
            time.sleep(max(0.0, due - time.monotonic()))
            kind = ("todo", "list", "proposals", "proposal", "opinion")[click % 5]
            pid = person.mine[0] if person.mine else ids[click % len(ids)]
            path, data = {
                "todo": ("/", None), "list": (f"/lists/?street={person.street}", None),
                "proposals": ("/proposals/", None), "proposal": (f"/proposals/{pid}/", None),
                "opinion": (f"/proposals/{pid}/opinion/",
                            {"street": person.street, "opinion": "agree", "note": "压力测试"}),
            }[kind]
            if kind == "opinion" and not person.mine:
                kind, path, data = "todo", "/", None
            elif kind == "opinion":
                person.mine.pop(0)
            note(kind, *_timed(person, path, data))

    threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pages = [x for values in times.values() for x in values]
    return {
        "sessions": sessions, "pace_s": pace, "seconds": seconds,
        "logins": {"count": len(logins), "max_ms": round(max(logins) * 1000, 1),
                   "p50_ms": round(pct(logins, 50), 1), "p95_ms": round(pct(logins, 95), 1),
                   "over_2s": sum(1 for x in logins if x > 2.0)},
        "pages": {"count": len(pages), "p50_ms": round(pct(pages, 50), 1),
                  "p95_ms": round(pct(pages, 95), 1), "max_ms": round(max(pages) * 1000, 1)},
        "by_kind": {k: {"count": len(v), "p50_ms": round(pct(v, 50), 1),
                        "p95_ms": round(pct(v, 95), 1)} for k, v in times.items()},
        "statuses": dict(sorted(statuses.items())),
        "errors": sum(c for s, c in statuses.items() if _is_error(s)),
    }


def _timed(person: Session, path: str, data: dict[str, str] | None) -> tuple[float, int]:
    started = time.perf_counter()
    status = person.request(path, data)
    return time.perf_counter() - started, status


# the five pages people open most (待办, a street's lists, the proposals, a proposal, a
# street's lists downloaded as CSV), each served in a closed loop
CLOSED_PAGES = {"todo": "/", "list": "/lists/?street=S01", "proposals": "/proposals/",
                "proposal": "/proposals/P-B-0000/",
                "download": "/lists/download/?street=S01&format=csv"}


def _hammer(people: list[Session], path: str, seconds: float) -> dict[str, Any]:
    served, errors = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(person: Session) -> None:
        while time.monotonic() < stop_at:
            status = person.request(path)
            with lock:
                served[0] += 1
                errors[0] += _is_error(status)

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"pages_per_s": round(served[0] / (time.monotonic() - began), 1),
            "errors": errors[0]}


def closed_loop(base: str, clients: int, seconds: float) -> dict[str, Any]:
    """Each page of ``CLOSED_PAGES`` requested by ``clients`` logged-in sessions back to back
    for ``seconds``: the pages served per second, and the errors."""
    people = [Session(base, "S01", []) for _ in range(clients)]
    for person in people:
        person.login()
    out: dict[str, Any] = {}
    for kind, path in CLOSED_PAGES.items():
        out[kind] = {"path": path, **_hammer(people, path, seconds)}
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="网页应用的限时压力测试（本机回环地址）。")
    parser.add_argument("--sessions", type=int, default=50, help="同时登录的会话数")
    parser.add_argument("--seconds", type=float, default=60.0, help="登录后持续点击的时间（秒）")
    parser.add_argument("--pace", type=float, default=2.0, help="每个会话两次点击的间隔（秒）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数")
    parser.add_argument("--proposals", type=int, default=60, help="待反馈意见的申请数")
    parser.add_argument("--clients", type=int, default=4, help="闭环测试的并发会话数")
    parser.add_argument("--closed-seconds", type=float, default=10.0,
                        help="闭环测试中每个页面的持续时间（秒）")
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
            result = {"office": office(base, args.sessions, args.seconds, args.proposals,
                                       args.pace),
                      "closed_loop": closed_loop(base, args.clients, args.closed_seconds)}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        verify = subprocess.run([sys.executable, "-m", "engine.cli", "audit", "verify", "--db",
                                 str(db)], capture_output=True, text=True, env=env,
                                check=False)
        result["audit_verify"] = {"exit_code": verify.returncode,
                                  "first_line": verify.stdout.splitlines()[0]
                                  if verify.stdout else verify.stderr.strip()}
    seen = result["office"]
    result["targets"] = {
        "every_login_within_2s": seen["logins"]["over_2s"] == 0,
        "pages_p95_at_most_200ms": seen["pages"]["p95_ms"] <= 200,
        "no_errors": seen["errors"] == 0 and not any(
            v["errors"] for v in result["closed_loop"].values()),
        "five_pages_at_least_100_per_s": all(
            v["pages_per_s"] >= 100 for v in result["closed_loop"].values()),
    }
    print(json.dumps({"web_load": result}, ensure_ascii=False, indent=2))
    ok = result["targets"]["no_errors"] and verify.returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
