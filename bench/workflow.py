"""``make bench`` (workflow): push proposals through the whole admission process in one store.

Each proposal is submitted, reviewed, checked for legality, heard by each target street,
decided in a meeting and finally published — all admitted proposals in one list version at
the end. One proposal in ten carries a banned instrument and is returned at review, then
corrected and resubmitted. Every step is a separate transaction, as from the command line,
but in one process with one open connection (the county is loaded once), as a service
would run it; from the command line each command also opens and closes the store.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from engine.api import county_workspace
from engine.loading.proposal import ProposalSource
from engine.loading.yamlio import Document
from engine.models.proposal import Proposal
from engine.workflow.service import Workflow
from engine.workflow.store import connect
from engine.workflow.versions import audit_verify

CATEGORIES = ("comprehensive", "specialist", "assisting")


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


def workflow_rate(count: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ws = county_workspace()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        conn = connect(db, create=True)  # one connection, as a long-running service would
        dept = Workflow(ws, db, "department:civil_affairs", conn=conn)
        office, justice, county = (dept.acting(r) for r in ("office", "justice", "county"))
        streets = {s: dept.acting(f"street:{s}") for s in ws.county.streets}
        steps = 0
        start = time.perf_counter()
        admitted = []
        for n in range(count):
            banned = n % 10 == 0
            source = _proposal(rng, n, ws, banned)
            pid = source.proposal.id
            dept.submit_source(source)
            office.review(pid)
            steps += 2
            if banned:  # returned: corrected and resubmitted
                fixed = source.proposal.model_copy(update={"instruments": []})
                dept.submit_source(ProposalSource(fixed, source.doc))
                office.review(pid)
                steps += 2
            justice.legal(pid, True)
            for s in fixed_targets(source):
                streets[s].hear(pid, s, "agree", None)
                steps += 1
            county.decide(pid, "基准测试会议", "admit")
            steps += 2
            admitted.append(pid)
        process_seconds = time.perf_counter() - start
        start = time.perf_counter()
        office.publish(admitted)
        publish_seconds = time.perf_counter() - start
        start = time.perf_counter()
        conn.close()
        entries, broken, _ = audit_verify(db)
        verify_seconds = time.perf_counter() - start
        assert broken is None
        size = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob("bench.db-*"))
    return {"proposals": count, "commands": steps + 1, "process_seconds": process_seconds,
            "publish_seconds": publish_seconds, "audit_entries": entries,
            "verify_seconds": verify_seconds, "db_mb": size / 1e6}


def fixed_targets(source: ProposalSource) -> list[str]:
    streets = source.proposal.streets
    assert isinstance(streets, list)
    return streets
