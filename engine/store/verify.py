"""Checking the record: the chain, the MACs, every covered row, the proposal rows, the head,
the store's binding and the anchors kept outside the database."""

from __future__ import annotations

from engine.store.audit import (
    Problem,
    Report,
    covered_rows,
    entry_mac,
    record_digest,
    rows_digest,
)
from engine.store.keys import Anchor, fingerprint, read_checkpoints
from engine.store.list_parts import digest
from engine.store.orm import m
from engine.store.seals import sealed_problems
from engine.store.session import Store, transaction
from engine.times import time_text

BOUND = ("county", "county_code", "process", "mode", "rehearsal")  # meta the first entry commits to


def verify_store(store: Store, expect: list[Anchor] | None = None,
                 key_fingerprint: str | None = None) -> Report:
    """``expect``: anchors kept elsewhere; ``key_fingerprint``: the fingerprint the key must have
    (``DUTY_KEY_FINGERPRINT``), as the office recorded it outside the store."""
    assert store.key is not None
    problems: list[Problem] = []
    with transaction(store, write=False):
        for text in _integrity(store):
            problems.append(Problem(seq=None, kind="integrity",
                                    message=f"SQLite 完整性检查：{text[:300]}"))
        entries = list(m.AuditEntry.objects.order_by("seq"))
        rows = covered_rows()
        proposals = {p.id: p for p in m.ProposalRecord.objects.all()}
        head = m.AuditHead.objects.filter(pk=1).first()
        meta = {r.key: r.value for r in m.StoreMeta.objects.all()}
        accounts = sealed_problems(store.key)
        whole = [(number, seq) for number, seq, kept, blob in m.ListVersion.objects.filter(
            whole__isnull=False).values_list("number", "audit_seq", "digest", "whole__lists")
            if digest(bytes(blob)) != kept]
    macs: dict[int, str] = {}
    last_of: dict[str, m.AuditEntry] = {}
    prev, expected, last_at = "", 1, None
    for e in entries:
        if e.seq != expected:
            problems.append(Problem(seq=expected, kind="gap",
                                    message=f"缺少第 {expected}–{e.seq - 1} 条记录"))
            expected = e.seq
        if e.prev != prev:
            problems.append(Problem(seq=e.seq, kind="link", message="与前一条记录不衔接"))
        if entry_mac(store.key, e) != e.mac:
            problems.append(Problem(seq=e.seq, kind="mac",
                                    message="内容与密钥签名不符（记录被改动，或链条是在没有"
                                            "密钥的情况下重算的）"))
        if rows_digest(rows.pop(e.seq, [])) != e.rows:
            problems.append(Problem(seq=e.seq, kind="rows",
                                    message="该步骤写入的数据（决定、意见、会议、清单版本、"
                                            "角色、审核意见或附件）已被改动或删除"))
        if last_at is not None and e.at < last_at:
            problems.append(Problem(seq=e.seq, kind="clock",
                                    message=f"时间 {time_text(e.at)} 早于前一条记录"))
        last_at = e.at
        if e.clock == "fixed" and not store.rehearsal:
            problems.append(Problem(seq=e.seq, kind="rehearsal",
                                    message="使用了固定时钟（DUTY_NOW），而该数据库不是演练库"))
        if e.proposal:
            last_of[e.proposal] = e
        macs[e.seq] = e.mac
        prev = e.mac
        expected = e.seq + 1
    for number, seq in whole:  # lists kept whole: their digest is in the version's row
        problems.append(Problem(seq=seq, kind="rows",
                                message=f"第 {number} 版整份保存的清单与该版记录的摘要不符"
                                        "（被改动过）"))
    for seq in sorted(rows):
        problems.append(Problem(seq=seq, kind="orphan",
                                message=f"有数据注明由第 {seq} 条记录写入，但没有这条记录"))
    for pid, row in sorted(proposals.items()):
        entry = last_of.get(pid)
        if entry is None:
            problems.append(Problem(seq=None, kind="record",
                                    message=f"申请 {pid} 没有任何审计记录"))
        elif record_digest(row) != entry.record:
            problems.append(Problem(seq=entry.seq, kind="record",
                                    message=f"申请 {pid} 的数据与其最后一条记录不符（被改动过）"))
    for pid in sorted(set(last_of) - set(proposals)):
        problems.append(Problem(seq=last_of[pid].seq, kind="proposal",
                                message=f"申请 {pid} 在记录中，但数据库里已没有它（被删除）"))
    for username, why in accounts:
        problems.append(Problem(seq=None, kind="account", message=f"账号 {username}：{why}"))
    newest = f"{entries[-1].seq}:{entries[-1].mac}" if entries else ""
    if head is None or f"{head.seq}:{head.mac}" != (newest or "0:"):
        problems.append(Problem(seq=head.seq if head else None, kind="head",
                                message="链头与最后一条记录不符"))
    if entries:
        first = _first_detail(entries[0])
        for key in BOUND:
            if key in first and meta.get(key) != first[key]:
                problems.append(Problem(seq=1, kind="meta",
                                        message=f"数据库的绑定信息 {key} 被改动"))
    warnings = []
    if not entries:
        warnings.append(Problem(seq=None, kind="empty", message=(
            "审计记录是空的：数据库初始化时就写入第一条记录，空的记录说明记录被整体删除，"
            "或这不是初始化过的数据库；请用保存在别处的锚点（公布的清单上印有）核对")))
    for path in store.target.anchor_files:
        if not path.exists():
            warnings.append(Problem(seq=None, kind="no-anchors", message=(
                f"检查点文件 {path} 不存在：截去的记录末尾无法由它发现；"
                "请用保存在别处的锚点核对")))
    anchors = list(dict.fromkeys([  # each anchor once, though kept in two files
        *(expect or []),
        *(a for path in store.target.anchor_files for a in read_checkpoints(path))]))
    current = fingerprint(store.key)
    claimed = [(key_fingerprint, "指定的指纹")] if key_fingerprint else []
    claimed += [(a.key, f"锚点 {a.seq}") for a in anchors if a.key]
    for fp, source in claimed:
        if fp != current:
            problems.append(Problem(seq=None, kind="key", message=(
                f"密钥指纹不符：{source}为 {fp}，现用密钥的指纹为 {current}"
                "（密钥被替换，记录可能被整体重签）")))
    for seq, mac, _ in anchors:
        if macs.get(seq) != mac:
            problems.append(Problem(seq=seq, kind="anchor", message=(
                f"锚点 {seq}:{mac[:12]}… 在记录中找不到（第 {seq} 条及之后的记录被删除或替换）"
                if seq not in macs else f"第 {seq} 条记录与锚点 {seq}:{mac[:12]}… 不符")))
    unique = sorted({(p.seq if p.seq is not None else 0, p.kind, p.message): p
                     for p in problems}.items())
    return Report(entries=len(entries), head=newest, intact=not problems,
                  problems=[p for _, p in unique], anchors_checked=len(anchors),
                  warnings=warnings)


def _integrity(store: Store) -> list[str]:
    """What SQLite's integrity check finds wrong in the file (nothing for PostgreSQL)."""
    if store.target.engine != "sqlite":
        return []
    from django.db import connections

    from engine.store.session import read_alias

    with connections[read_alias(store)].cursor() as cursor:
        cursor.execute("PRAGMA integrity_check(20)")
        found = [str(r[0]) for r in cursor.fetchall()]
    return [] if found == ["ok"] else found


def _first_detail(entry: m.AuditEntry) -> dict[str, str]:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    bound = detail.get("bound", {})
    return {k: str(v) for k, v in bound.items()} if isinstance(bound, dict) else {}

