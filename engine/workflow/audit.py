"""The audit trail's hash chain: each entry's hash covers its fields and the previous hash.

Changing, deleting or reordering any entry breaks the chain from that entry on;
``verify`` names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FIELDS = ("seq", "at", "actor", "action", "proposal", "state_before", "state_after", "detail")


def entry_hash(seq: int, at: str, actor: str, action: str, proposal: str | None,
               before: str | None, after: str | None, detail: str, prev: str) -> str:
    body = json.dumps([seq, at, actor, action, proposal, before, after, detail, prev],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Broken:
    seq: int
    reason: str


def verify(rows: Iterable[Mapping[str, Any]],
           head: str | None = None) -> tuple[int, Broken | None]:
    """How many entries were checked, and the first broken one (None: the chain holds).

    ``head`` is the ``seq:hash`` the store recorded for its newest entry: entries removed
    from the end of the chain are found by comparing with it.
    """
    prev = ""
    count = 0
    expected_seq = 1
    for row in rows:
        count += 1
        seq = int(row["seq"])
        if seq != expected_seq:
            return count, Broken(expected_seq,
                                 f"缺少第 {expected_seq} 条记录（下一条为第 {seq} 条）")
        if row["prev_hash"] != prev:
            return count, Broken(seq, "与前一条记录的哈希不衔接")
        digest = entry_hash(seq, *(row[f] for f in FIELDS[1:]), prev)
        if digest != row["hash"]:
            return count, Broken(seq, "内容与哈希不符（记录被修改过）")
        prev = row["hash"]
        expected_seq += 1
    if head is not None and head != f"{expected_seq - 1}:{prev}":
        seq = int(head.partition(":")[0])
        return count, Broken(seq, "缺失或被改动（与数据库记录的最新一条不符）")
    return count, None
