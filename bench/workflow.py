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


def _proposal(rng: random.Random, n: int, ws: Any, banned: bool,
              department: str = "civil_affairs") -> ProposalSource:
    streets = list(ws.county.streets)
    targets = sorted(rng.sample(streets, rng.randint(1, 3)), key=streets.index)
    data = {
        "schema_version": 1, "id": f"P-B-{n:05d}", "title": f"基准测试申请 {n}",
        "department": department, "streets": targets, "mode": "assist",
        "item": {"name": f"基准测试事项 {n}", "category": rng.choice(CATEGORIES),
                 "phases": ["patrol", "report"], "legal_basis": "基准测试依据",
                 "workload_days": rng.randint(1, 4)},  # thousands must fit the streets
        "resources": {"funding": 5000, "staff": 1}, "work_plan": True,  # 人随事转
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
        commands, n, published, returned = 0, 0, 0, 0
        pending: list[str] = []
        fill_seconds = 0.0
        latency: dict[int, dict[str, float]] = {}

        def through(n: int, times: dict[str, float] | None = None) -> tuple[int, str | None]:
            """One proposal through the process up to admission (None: the rules returned it
            for good, for instance once the streets' capacity is used up, and it was
            withdrawn); ``times`` receives how long its submission and review took."""
            banned = n % 10 == 0 and times is None
            source = _proposal(rng, n, ws, banned)
            pid = source.proposal.id
            t0 = time.perf_counter()
            service.submit(dept, clock, source)
            t1 = time.perf_counter()
            out = service.review(office, clock, pid)
            t2 = time.perf_counter()
            if times is not None:
                times.update(submit=t1 - t0, review=t2 - t1)
            count = 2
            if banned:  # returned: corrected and resubmitted
                fixed = source.proposal.model_copy(update={"instruments": []})
                service.submit(dept, clock, ProposalSource(fixed, source.doc))
                out = service.review(office, clock, pid)
                count += 2
            if out.steps[-1].to != "legal_review":
                service.withdraw(dept, clock, pid)
                return count + 1, None
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
                done, admitted = through(n)
                n += 1
                commands += done
                returned += admitted is None
                if admitted is None:
                    if returned > mark:  # the county can take no more: stop filling
                        raise RuntimeError(f"{returned} proposals returned before {mark}")
                    continue
                pending.append(admitted)
                if len(pending) == BATCH or published + len(pending) == mark:
                    service.publish(office, clock, pending)
                    commands += 1
                    published += len(pending)
                    pending = []
            fill_seconds += time.perf_counter() - start
            times: dict[str, float] = {}
            _, one = through(n, times)  # one more, timed
            n += 1
            if one is not None:
                start = time.perf_counter()
                service.publish(office, clock, [one])
                times["publish"] = time.perf_counter() - start
                published += 1
            latency[mark] = times
        start = time.perf_counter()
        report = verify_store(service.store)
        verify_seconds = time.perf_counter() - start
        assert report.intact, report.problems
        close(service.store)
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) if \
            engine == "sqlite" else 0
    return {"engine": engine, "published": published, "returned": returned,
            "commands": commands,
            "fill_seconds": fill_seconds, "commands_per_second": commands / fill_seconds,
            "latency": latency, "audit_entries": report.entries,
            "verify_seconds": verify_seconds, "db_mb": size / 1e6}
