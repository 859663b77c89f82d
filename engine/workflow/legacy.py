"""Upgrading a store written by duty 0.1 (SQLite, schema 1 or 2, unkeyed audit chain).

The old chain is checked first with the old (unkeyed) hashes; a broken chain is refused.
The data is copied into a new file with the current schema: every old entry is kept (its
actor as the role, account ``legacy``) and signed with a new key, and a ``migrate_store``
entry covers every copied row and names the old head. The new file replaces the old one in
one rename; the old file is kept beside it with ``.v2.bak``. Upgraded stores are local
rehearsal stores (roles declared per command, ``DUTY_NOW`` honoured), as the old ones were.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from engine.errors import StoreError
from engine.store.config import StoreTarget
from engine.store.keys import create_key, fingerprint
from engine.store.list_parts import digest
from engine.workflow.names import SystemAction
from engine.workflow.roles import Clock
from engine.workflow.views import StoreInfo

OLD_FIELDS = ("seq", "at", "actor", "action", "proposal", "state_before", "state_after",
              "detail")


def _old_hash(row: sqlite3.Row, prev: str) -> str:
    body = json.dumps([*(row[f] for f in OLD_FIELDS), prev], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _read_old(path: Path, shown: str) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "duty_meta" in tables:
            raise StoreError("该数据库已是当前结构，无须迁移", store=shown, reason="current")
        if version not in (1, 2) or not {"meta", "audit", "proposals"} <= tables:
            raise StoreError("不是 duty 旧版的数据库", store=shown, reason="damaged")
        data = {name: [dict(r) for r in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")]
                for name in ("meta", "proposals", "decisions", "opinions", "meetings",
                             "versions", "version_proposals", "audit")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"无法读取旧数据库：{exc}", store=shown, reason="damaged") from None
    finally:
        conn.close()
    prev = ""
    for row in data["audit"]:
        if row["prev_hash"] != prev or _old_hash(row, prev) != row["hash"]:  # type: ignore[arg-type]
            raise StoreError(f"旧数据库的审计链在第 {row['seq']} 条断开，不能迁移", store=shown,
                             reason="legacy-broken", hint="先从备份恢复完好的数据库。")
        prev = row["hash"]
    data["version"] = version
    data["head"] = prev
    return data


def upgrade(target: StoreTarget, clock: Clock) -> StoreInfo:
    if target.engine != "sqlite":
        raise StoreError("只有 SQLite 旧库需要迁移", store=target.shown, reason="engine")
    path = target.sqlite_path
    if not path.is_file():
        raise StoreError(f"数据库不存在：{path}", store=target.shown, reason="missing")
    old = _read_old(path, target.shown)
    staging = path.with_name(path.name + ".upgrading")
    staging.unlink(missing_ok=True)
    temp = StoreTarget("sqlite", str(staging), None, target.key_file, target.checkpoints,
                       target.anchors)
    if target.key_file.exists():
        create_key(target.key_file, target.shown)  # refuses
    from engine.workflow.stores import retire_anchors

    retire_anchors(target)
    from engine.store.session import close, open_store, transaction

    store = open_store(temp, create=True)
    try:
        store.key = create_key(target.key_file, target.shown)
        with transaction(store) as chain:
            _copy(chain, old, store.key, clock)
        close(store)
        backup = path.with_name(path.name + ".v2.bak")
        os.replace(path, backup)
        os.replace(staging, path)
    except BaseException:
        close(store)
        for leftover in (staging, target.key_file, target.checkpoints):
            leftover.unlink(missing_ok=True)
        raise
    from engine.workflow.stores import open_keyed, store_info

    opened = open_keyed(target)
    try:
        return store_info(opened)
    finally:
        close(opened)


def _copy(chain: Any, old: dict[str, Any], key: bytes, clock: Clock) -> None:
    from engine.store.audit import entry_mac, record_digest
    from engine.store.orm import m

    meta = {r["key"]: r["value"] for r in old["meta"]}
    for name, value in {"county": meta.get("county", ""), "process": meta.get("process", ""),
                        "mode": "local", "rehearsal": "true", "key": fingerprint(key)}.items():
        m.StoreMeta.objects.create(key=name, value=value)
    proposals = {}
    for p in old["proposals"]:
        proposals[p["id"]] = m.ProposalRecord.objects.create(
            id=p["id"], department=p["department"], title=p["title"], state=p["state"],
            revision=p["revision"], document=json.loads(p["document"]),
            streets=json.loads(p["streets"]),
            urgency=p["urgency"], legal=p["legal"], state_since=p["state_since"], due=p["due"],
            due_estimated=bool(p["due_estimated"]), created=p["created"],
            change=p.get("change", "admit"),
            applicant=p.get("applicant") or f"department:{p['department']}")
    entries, prev = [], ""
    for row in old["audit"]:
        pid = row["proposal"]
        entry = m.AuditEntry(seq=row["seq"], at=row["at"], account="legacy", role=row["actor"],
                             action=row["action"], proposal=pid,
                             state_before=row["state_before"], state_after=row["state_after"],
                             detail=json.loads(row["detail"]), clock="legacy", rows=_EMPTY,
                             record=record_digest(proposals.get(pid)) if pid else "",
                             prev=prev, mac="")
        entry.mac = entry_mac(key, entry)
        prev = entry.mac
        entries.append(entry)
    m.AuditEntry.objects.bulk_create(entries)
    assert chain.head is not None
    if entries:
        chain.head.seq, chain.head.mac = entries[-1].seq, entries[-1].mac
        chain.head.save()
    seq = chain.begin(at=clock.stamp, account="system", role="system",
                      action=SystemAction.migrate_store.value,
                      detail={"from_schema": old["version"], "legacy_head": old["head"],
                              "entries": len(entries)},
                      clock="fixed" if clock.fixed else "real")
    for d in old["decisions"]:
        m.DecisionRecord.objects.create(proposal_id=d["proposal"], stage=d["stage"], at=d["at"],
                                        verdict=d["verdict"], policy_id=d["policy_id"],
                                        policy_version=d["policy_version"],
                                        policy_hash=d["policy_hash"], county_revision="",
                                        decision=d["decision"], item=d["item"], audit_seq=seq)
    for o in old["opinions"]:
        m.OpinionRecord.objects.create(proposal_id=o["proposal"], street=o["street"],
                                       opinion=o["opinion"], note=o["note"], at=o["at"],
                                       actor=o["actor"], audit_seq=seq)
    for g in old["meetings"]:
        m.MeetingRecord.objects.create(proposal_id=g["proposal"], ref=g["ref"],
                                       outcome=g["outcome"], at=g["at"], actor=g["actor"],
                                       audit_seq=seq)
    for v in old["versions"]:
        blob = bytes(v["lists"])  # kept whole until the next write command converts it
        m.ListVersion.objects.create(number=v["number"], at=v["at"],
                                     digest=digest(blob),
                                     names=json.loads(v["names"]), county_revision="",
                                     audit_seq=seq)
        m.WholeLists.objects.create(version_id=v["number"], lists=blob)
    for position, link in enumerate(old["version_proposals"]):
        m.VersionProposal.objects.create(version_id=link["version"], position=position,
                                         proposal_id=link["proposal"], audit_seq=seq)


_EMPTY = hashlib.sha256(b"[]").hexdigest()  # the digest of no rows
