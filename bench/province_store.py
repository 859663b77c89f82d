"""``make bench`` (province store): many counties in one PostgreSQL store.

A synthetic province (default 100 counties × 20 streets × 340 items, ``bench/synthetic.py``)
is put into one new PostgreSQL database, each county in its own schema. Each county publishes
``--versions`` versions after version 0, each admitting one proposal (an assisting item for
one to three streets) through the whole process: submission, review, legality, the streets'
opinions, the meeting, publication.

Reported, with the load average:
- filling: the seconds to create each county's store and publish its versions;
- ``publish_s``: min / median / max of the publication step of one county (the last version
  of every county), in a store holding every other county (target ≤ 3 s);
- ``compare_s``: the province comparison read from the store, min / median / max of three
  runs in this process, and one whole ``duty province compare --store`` process (target ≤ 2 s);
- ``store_mb``, and the size of one county's version tables (lists' parts, summaries, the
  county's state, the versions' proposals) after each version, each publishing one proposal.

Run: ``python -m bench.province_store [--counties N] [--versions N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.synthetic import synthetic_workspace
from bench.workflow import PG_ADMIN, _proposal, pg_available
from engine.loading.proposal import ProposalSource
from engine.store.config import store_target
from engine.workflow.names import Opinion, RoleKind
from engine.workflow.roles import Actor, Clock, Role

STAFF = 1000
VERSION_TABLES = ("duty_version", "duty_version_part", "duty_version_whole",
                  "duty_version_summary", "duty_version_proposal", "duty_county_state")


def _schema_bytes(url: str, schema: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(format('%%I.%%I', schemaname, "
            "tablename))), 0) FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            [schema, list(VERSION_TABLES)]).fetchone()
        return int(row[0]) if row else 0


def _admit(service: Any, clock: Clock, ws: Any, rng: random.Random, n: int) -> str:
    department = next(iter(ws.county.departments))
    actor = Actor("bench", Role(RoleKind.department, department))
    source = _proposal(rng, n, ws, banned=False, department=department)
    # the synthetic streets are at capacity: the proposal moves staff with the task (人随事转)
    proposal = source.proposal
    source = ProposalSource(proposal.model_copy(update={
        "resources": proposal.resources.model_copy(update={"staff": STAFF})}), source.doc)
    pid = proposal.id
    service.submit(actor, clock, source)
    service.review(Actor("bench", Role(RoleKind.office)), clock, pid)
    service.legal(Actor("bench", Role(RoleKind.justice)), clock, pid, True)
    targets = source.proposal.streets
    assert isinstance(targets, list)
    for s in targets:
        service.hear(Actor("bench", Role(RoleKind.street, s)), clock, pid, s, Opinion.agree,
                     None)
    service.decide(Actor("bench", Role(RoleKind.county)), clock, pid, "基准测试会议", "admit")
    return pid


def province_store(counties: int, streets: int, items: int, versions: int) -> dict[str, Any]:
    import psycopg

    from engine.province.counties import stored_province
    from engine.province.views import compare
    from engine.store.session import close
    from engine.workflow.stores import init_store, open_service

    name = f"duty_bench_{uuid.uuid4().hex[:10]}"
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    clock = Clock.real()
    office = Actor("bench", Role(RoleKind.office))
    publish: list[float] = []
    growth: list[dict[str, int]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DUTY_AUDIT_KEY"] = str(Path(tmp) / "province.key")
            os.environ["DUTY_ANCHORS"] = "off"
            started = time.perf_counter()
            for c in range(counties):
                county = f"c{c:03d}"
                target = store_target(url=url, county=county)
                ws = synthetic_workspace(streets, items, seed=c)
                init_store(ws, target, local=False, rehearsal=False, clock=clock)
                service = open_service(ws, target)
                rng = random.Random(c)
                if c == 0:
                    growth.append({"version": 0, "proposals": 0,
                                   "bytes": _schema_bytes(url, target.schema or "")})
                for v in range(1, versions + 1):
                    pid = _admit(service, clock, ws, rng, v)
                    t0 = time.perf_counter()
                    service.publish(office, clock, [pid])
                    if v == versions:
                        publish.append(time.perf_counter() - t0)
                    if c == 0:
                        growth.append({"version": v, "proposals": 1,
                                       "bytes": _schema_bytes(url, target.schema or "")})
                close(service.store)
            filled = time.perf_counter() - started
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                result = compare(stored_province(store_target(url=url)))
                runs.append(time.perf_counter() - t0)
            env = {**os.environ, "DUTY_DATABASE_URL": url}
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "engine.cli", "province", "compare",
                            "--store", "--format", "json", "-o", str(Path(tmp) / "c.json")],
                           env=env, check=True)
            whole = time.perf_counter() - t0
            with psycopg.connect(PG_ADMIN) as admin:
                size = admin.execute("SELECT pg_database_size(%s)", [name]).fetchone()
    finally:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def spread(xs: list[float]) -> list[float]:
        return [round(min(xs), 3), round(statistics.median(xs), 3), round(max(xs), 3)]

    return {"counties": counties, "streets": streets, "items": items, "versions": versions,
            "load": os.getloadavg()[0], "fill_s": round(filled, 1),
            "publish_s": spread(publish), "compare_s": spread(runs),
            "compare_process_s": round(whole, 3), "outliers": len(result.outliers),
            "store_mb": round((size[0] if size else 0) / 1e6, 1),
            "one_county_version_tables": growth}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--items", type=int, default=340)
    parser.add_argument("--versions", type=int, default=5)
    args = parser.parse_args(argv)
    if not pg_available():
        print("PostgreSQL 不可用：跳过省级数据库基准", file=sys.stderr)
        return 0
    print(json.dumps(province_store(args.counties, args.streets, args.items, args.versions),
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
