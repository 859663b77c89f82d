"""``make bench`` (versions): how a store grows with each published version.

A county is written by ``bench.county_gen`` (``STREETS`` streets × 340 items, the shared
shape) and compiled; a store is made for it (version 0: its lists whole, part by part) and
``VERSIONS`` versions are published, each admitting ``PER_VERSION`` new items, each for one to
three streets, through the whole process. A new item for a few streets puts its row on their
lists and its reason on every other street's list of items that do not apply (the lists show
it), so each version changes about one row per street and item, plus the target streets' and
the department's rows.

Reported per version, on SQLite and PostgreSQL: the parts it keeps and their bytes, the rows
changed (counted from the changes kept), the bytes per row changed, the county state kept
beside it, the growth of the store (SQLite: the file after a checkpoint; PostgreSQL: the
database's size), the time of the publication and the load average; and, for comparison,
the bytes the version would take kept whole (its lists' JSON, zlib-compressed, as versions
were kept before).

``python -m bench.store_versions --streets 38000 --engines sqlite`` measures one size;
``--publish-only`` times making the store of a county (publishing its version 0) in a fresh
process, with the peak memory of that process, then serving its lists as the web pages do, in
another fresh process (``--serve DB``): opening the version (its head and names), one
street's lists read and rendered as the page's HTML download, and one department's list
(the largest: it names every street it relies on), each timed, with that process's peak
memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from bench.national import ITEMS, _measure, load
from bench.workflow import _target, pg_available

STREETS = 1_000
VERSIONS = 5
PER_VERSION = 2
STAFF = 300  # moved with each item (人随事转): the generated streets have no room otherwise


def _proposal(n: int, streets: list[str], department: str, rng: random.Random) -> Any:
    from engine.loading.proposal import ProposalSource
    from engine.loading.yamlio import Document
    from engine.models.proposal import Proposal

    targets = sorted(rng.sample(streets, rng.randint(1, 3)), key=streets.index)
    data = {
        "schema_version": 1, "id": f"P-V-{n:04d}", "title": f"版本基准申请 {n}",
        "department": department, "streets": targets, "mode": "assist",
        "item": {"name": f"版本基准事项 {n}", "category": "assisting",
                 "phases": ["patrol", "report"], "legal_basis": "基准测试依据",
                 "workload_days": 1},
        "resources": {"funding": 5000, "staff": STAFF}, "work_plan": True, "instruments": [],
    }
    doc = Document(Path(f"{data['id']}.yaml"), data, {}, f"{data['id']}.yaml")
    return ProposalSource(Proposal.model_validate(data), doc)


def _rows_changed(delta: dict[str, Any]) -> int:
    """The rows of a part's lists that a change puts in, takes out or changes."""
    from engine.store import list_parts as lp

    if lp.REPLACE in delta:
        value = delta[lp.REPLACE]
        return sum(len(v) for v in value.values() if isinstance(v, list)) \
            if isinstance(value, dict) else 1
    count = 0
    for _, sub in delta.get("~", ()):  # the part's fields: its lists
        if lp.REPLACE in sub:
            value = sub[lp.REPLACE]
            count += len(value) if isinstance(value, list) else 1
        else:
            count += len(sub.get("-", ())) + len(sub.get("+", ())) + len(sub.get("~", ()))
    return count + len(delta.get("+", ()))


def _store_bytes(store: Any) -> int:
    from django.db import connections

    with connections[store.alias].cursor() as cursor:
        if store.target.engine == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            path = store.target.sqlite_path
            return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def _kept(store: Any, number: int) -> dict[str, int]:
    from django.db import connections

    from engine.store import list_parts as lp

    rows = parts = size = 0
    with connections[store.alias].cursor() as cursor:
        cursor.execute("SELECT change FROM duty_version_part WHERE version = %s", [number])
        for (change,) in cursor.fetchall():
            parts += 1
            if change is not None:
                size += len(bytes(change))
                rows += _rows_changed(lp.unpack(bytes(change)))
        cursor.execute("SELECT COALESCE(SUM(LENGTH(state)), 0) FROM duty_county_state "
                       "WHERE version = %s", [number])
        state = int(cursor.fetchone()[0])
    return {"parts": parts, "bytes": size, "rows": rows, "state_bytes": state}


def _whole(store: Any, number: int) -> tuple[int, str]:
    """Version ``number``'s lists read back a part at a time (never held whole): the bytes
    they would take kept whole (zlib-compressed) and the digest of their JSON."""
    from engine.store import list_parts as lp
    from engine.store.session import transaction
    from engine.workflow import repository as repo

    packer, digest = zlib.compressobj(), hashlib.sha256()
    size = 0
    with transaction(store, write=False):
        kept = lp.chains(repo.part_changes(number))
        for piece in lp.pieces(lambda key: lp.value(kept.get(key))):
            data = piece.encode("utf-8")
            digest.update(data)
            size += len(packer.compress(data))
    return size + len(packer.flush()), "sha256:" + digest.hexdigest()


def versions_run(county: Path, engine: str, versions: int = VERSIONS) -> dict[str, Any]:
    from engine.api import county_workspace
    from engine.store.session import close, transaction
    from engine.workflow import repository as repo
    from engine.workflow.names import Opinion, RoleKind
    from engine.workflow.roles import Actor, Clock, Role
    from engine.workflow.stores import init_store, open_service

    ws = county_workspace(county)
    clock = Clock.real()
    local = engine == "sqlite"
    department = sorted(ws.county.departments)[0]
    dept = Actor("bench", Role(RoleKind.department, department), local=local)
    office, justice, head = (Actor("bench", Role(k), local=local)
                             for k in (RoleKind.office, RoleKind.justice, RoleKind.county))
    streets = list(ws.county.streets)
    rng = random.Random(11)
    out: dict[str, Any] = {"engine": engine, "streets": len(streets), "versions": []}
    with tempfile.TemporaryDirectory() as tmp, _target(engine, Path(tmp)) as target:
        start, at = time.perf_counter(), load()
        init_store(ws, target, local=local, rehearsal=False, clock=clock)
        service = open_service(ws, target)
        size = _store_bytes(service.store)
        out["versions"].append({"number": 0, "seconds": time.perf_counter() - start,
                                "load": at, "store_bytes": size,
                                **_kept(service.store, 0)})
        out["whole_bytes"] = _whole(service.store, 0)[0]
        n = 0
        for number in range(1, versions + 1):
            pids = []
            while len(pids) < PER_VERSION:
                source = _proposal(n, streets, department, rng)
                n += 1
                pid = source.proposal.id
                service.submit(dept, clock, source)
                if service.review(office, clock, pid).steps[-1].to != "legal_review":
                    raise RuntimeError(f"{pid} returned at review: the bench's proposals "
                                       "must pass")
                service.legal(justice, clock, pid, True)
                for s in source.proposal.streets:
                    street = Actor("bench", Role(RoleKind.street, s), local=local)
                    service.hear(street, clock, pid, s, Opinion.agree, None)
                service.decide(head, clock, pid, "基准测试会议", "admit")
                pids.append(pid)
            start, at = time.perf_counter(), load()
            published = service.publish(office, clock, pids).version
            seconds = time.perf_counter() - start
            assert published == number
            before, size = size, _store_bytes(service.store)
            out["versions"].append({"number": number, "seconds": seconds, "load": at,
                                    "store_bytes": size, "growth": size - before,
                                    **_kept(service.store, number)})
        start = time.perf_counter()
        _, digest = _whole(service.store, versions)
        out["read_seconds"] = time.perf_counter() - start
        with transaction(service.store, write=False):
            out["last_digest_ok"] = digest == repo.version(versions).digest
        close(service.store)
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def publish_only(county: Path, db: Path) -> dict[str, Any]:
    """Making the store of ``county`` (publishing its version 0) in a fresh process: wall,
    CPU and peak RSS of that process."""
    return _measure([sys.executable, "-m", "engine.cli", "store", "init", "--county",
                     str(county), "--db", str(db), "--local"])


def serve(db: Path) -> dict[str, float]:
    """Serve version 0 of the store ``db`` as the lists pages do, part by part: seconds to
    open it, to read and render a street's lists, and to read and render a department's."""
    from engine.render.lists_files import render_lists
    from engine.store.config import store_target
    from engine.workflow.stores import open_keyed
    from engine.workflow.versions import PublishedVersion, version_source

    store = open_keyed(store_target(db))
    out: dict[str, float] = {}
    start = time.perf_counter()
    version = PublishedVersion(store, 0)
    source = version_source(store, 0)
    out["open"] = time.perf_counter() - start
    middle = version.streets[len(version.streets) // 2]
    for what, streets, departments in (("street", [middle], []),
                                       ("department", [], version.departments[:1])):
        start = time.perf_counter()
        render_lists(version.lists(store, streets, departments), version.names, "html", source)
        out[what] = time.perf_counter() - start
    return out


def report(run: dict[str, Any]) -> list[str]:
    lines = [f"  {run['engine']}, {run['streets']:,} streets × {ITEMS} items: version 0 kept "
             f"whole would be {run['whole_bytes'] / 1e6:.1f} MB compressed"]
    for v in run["versions"]:
        per_row = v["bytes"] / v["rows"] if v["rows"] else 0
        growth = f", store +{v['growth'] / 1e6:.2f} MB" if "growth" in v else \
            f", store {v['store_bytes'] / 1e6:.1f} MB"
        lines.append(f"    version {v['number']}: {v['parts']:,} parts, {v['rows']:,} rows "
                     f"changed, {v['bytes'] / 1e6:.3f} MB ({per_row:.0f} B a row), county "
                     f"state {v['state_bytes'] / 1e3:.0f} kB{growth}; "
                     f"{v['seconds']:.1f} s (load {v['load']})")
    lines.append(f"    version {len(run['versions']) - 1} read back in "
                 f"{run['read_seconds']:.1f} s, its digest "
                 f"{'matches' if run['last_digest_ok'] else 'DOES NOT MATCH'}; peak "
                 f"{run['rss_mb']:.0f} MB in the process")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=int, default=STREETS)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--versions", type=int, default=VERSIONS)
    parser.add_argument("--publish-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:  # its figures beside the store (the measuring process keeps no output)
        args.serve.with_suffix(".served.json").write_text(json.dumps(serve(args.serve)))
        return
    from bench.county_gen import write_county

    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county"
        write_county(county, args.streets, ITEMS)
        _measure([sys.executable, "-m", "engine.cli", "county", "compile", "--county",
                  str(county)])
        if args.publish_only:
            at = load()
            db = Path(tmp) / "store.db"
            run = publish_only(county, db)
            print(json.dumps(run) if args.json else
                  f"publishing {args.streets:,} streets × {ITEMS} items (store init, version 0): "
                  f"{run['wall']:.1f} s wall, {run['cpu']:.1f} s CPU, peak "
                  f"{run['rss_mb']:.0f} MB (load {at})", flush=True)
            at = load()
            served = _measure([sys.executable, "-m", "bench.store_versions", "--serve", str(db)])
            times = json.loads(db.with_suffix(".served.json").read_text())
            print(json.dumps({**served, **times}) if args.json else
                  f"serving it part by part: open {times['open']:.2f} s, a street's lists "
                  f"{times['street']:.2f} s, a department's list {times['department']:.2f} s; "
                  f"peak {served['rss_mb']:.0f} MB (load {at})")
            return
        for engine in args.engines.split(","):
            if engine == "postgresql" and not pg_available():
                print("  postgresql: not reachable, skipped")
                continue
            run = versions_run(county, engine, args.versions)
            print(json.dumps(run) if args.json else "\n".join(report(run)), flush=True)


if __name__ == "__main__":
    main()
