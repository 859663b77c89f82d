"""``make bench`` (workflow): the admission process in one store, on SQLite and PostgreSQL.

Proposals are pushed through the whole process (submit, review, legality, every target
street's opinion, meeting) and published in versions of ``BATCH``. One proposal in ten carries
a banned instrument and is returned at review, then corrected and resubmitted. Every step is
its own transaction, in one process with the store kept open, as a service runs it.

Reported: commands per second while filling the store, and the time of submit, review and
publish of one more proposal once 100, 1,000 and 5,000 proposals are published (a command must
cost the same whatever the history), then the time to verify the whole audit chain.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine.api import county_workspace
from engine.loading.proposal import ProposalSource
from engine.loading.yamlio import Document
from engine.models.proposal import Proposal
from engine.store.config import StoreTarget, store_target
from engine.workflow.names import Opinion, RoleKind
from engine.workflow.roles import Actor, Clock, Role

CATEGORIES = ("comprehensive", "specialist", "assisting")
BATCH = 50
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _proposal(rng: random.Random, n: int, ws: Any, banned: bool) -> ProposalSource:
    streets = list(ws.county.streets)
    targets = sorted(rng.sample(streets, rng.randint(1, 3)), key=streets.index)
    data = {
        "schema_version": 1, "id": f"P-B-{n:05d}", "title": f"基准测试申请 {n}",
        "department": "civil_affairs", "streets": targets, "mode": "assist",
        "item": {"name": f"基准测试事项 {n}", "category": rng.choice(CATEGORIES),
                 "phases": ["patrol", "report"], "legal_basis": "基准测试依据",
                 "workload_days": rng.randint(1, 30)},
        "resources": {"funding": 5000}, "work_plan": True,
        "instruments": ["responsibility_pledge"] if banned else [],
    }
    doc = Document(Path(f"{data['id']}.yaml"), data, {}, f"{data['id']}.yaml")
    return ProposalSource(Proposal.model_validate(data), doc)


@contextmanager
def _target(engine: str, tmp: Path) -> Iterator[StoreTarget]:
    if engine == "sqlite":
        yield store_target(tmp / "bench.db")
        return
    import psycopg

    name = f"duty_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DUTY_AUDIT_KEY"] = str(tmp / "bench.key")
    try:
        yield store_target(url=f"postgresql://postgres@127.0.0.1:5432/{name}")
    finally:
        os.environ.pop("DUTY_AUDIT_KEY", None)
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


def workflow_rate(checkpoints: list[int], seed: int, engine: str = "sqlite") -> dict[str, Any]:
    from engine.store.session import close
    from engine.store.verify import verify_store
    from engine.workflow.stores import init_store, open_service

    rng = random.Random(seed)
    ws = county_workspace()
    clock = Clock.real()
    local = engine == "sqlite"  # a shared store has accounts: the bench acts as one
    dept = Actor("bench", Role(RoleKind.department, "civil_affairs"), local=local)
    office, justice, county = (Actor("bench", Role(k), local=local)
                               for k in (RoleKind.office, RoleKind.justice, RoleKind.county))
    with tempfile.TemporaryDirectory() as tmp, _target(engine, Path(tmp)) as target:
        init_store(ws, target, local=local, rehearsal=False, clock=clock)
        service = open_service(ws, target)
        streets = {s: Actor("bench", Role(RoleKind.street, s), local=local)
                   for s in ws.county.streets}
        commands, n, published = 0, 0, 0
        pending: list[str] = []
        fill_seconds = 0.0
        latency: dict[int, dict[str, float]] = {}

        def through(n: int) -> tuple[int, str]:
            banned = n % 10 == 0
            source = _proposal(rng, n, ws, banned)
            pid = source.proposal.id
            count = 0
            service.submit(dept, clock, source)
            service.review(office, clock, pid)
            count += 2
            if banned:  # returned: corrected and resubmitted
                fixed = source.proposal.model_copy(update={"instruments": []})
                service.submit(dept, clock, ProposalSource(fixed, source.doc))
                service.review(office, clock, pid)
                count += 2
            service.legal(justice, clock, pid, True)
            targets = source.proposal.streets
            assert isinstance(targets, list)
            for s in targets:
                service.hear(streets[s], clock, pid, s, Opinion.agree, None)
            service.decide(county, clock, pid, "基准测试会议", "admit")
            return count + 2 + len(targets), pid

        for mark in sorted(checkpoints):
            start = time.perf_counter()
            while published < mark:
                done, pid = through(n)
                n += 1
                commands += done
                pending.append(pid)
                if len(pending) == BATCH or published + len(pending) == mark:
                    service.publish(office, clock, pending)
                    commands += 1
                    published += len(pending)
                    pending = []
            fill_seconds += time.perf_counter() - start
            source = _proposal(rng, n, ws, False)  # one more, timed step by step
            pid = source.proposal.id
            t0 = time.perf_counter()
            service.submit(dept, clock, source)
            t1 = time.perf_counter()
            service.review(office, clock, pid)
            t2 = time.perf_counter()
            service.legal(justice, clock, pid, True)
            targets = source.proposal.streets
            assert isinstance(targets, list)
            for s in targets:
                service.hear(streets[s], clock, pid, s, Opinion.agree, None)
            service.decide(county, clock, pid, "基准测试会议", "admit")
            t3 = time.perf_counter()
            service.publish(office, clock, [pid])
            t4 = time.perf_counter()
            n += 1
            published += 1
            latency[mark] = {"submit": t1 - t0, "review": t2 - t1, "publish": t4 - t3}
        start = time.perf_counter()
        report = verify_store(service.store)
        verify_seconds = time.perf_counter() - start
        assert report.intact, report.problems
        close(service.store)
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) if \
            engine == "sqlite" else 0
    return {"engine": engine, "published": published, "commands": commands,
            "fill_seconds": fill_seconds, "commands_per_second": commands / fill_seconds,
            "latency": latency, "audit_entries": report.entries,
            "verify_seconds": verify_seconds, "db_mb": size / 1e6}
