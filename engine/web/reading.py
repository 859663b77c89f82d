"""What the pages read from the store beside the service's views: the target streets of every
proposal (for who may see it), the published versions, their lists and the audit anchors."""

from __future__ import annotations

import json
from dataclasses import dataclass

from engine.models.lists import CountyLists
from engine.store.keys import Anchor, read_checkpoints
from engine.store.orm import m
from engine.store.session import Store, transaction
from engine.workflow.versions import version_lists


@dataclass(frozen=True)
class VersionRow:
    number: int
    at: str
    anchor: str  # SEQ:MAC:KEY of the audit entry that published it
    proposals: list[str]


def targets(store: Store) -> dict[str, list[str]]:
    """Every proposal's target streets, by proposal id."""
    with transaction(store, write=False):
        return {pid: json.loads(streets)
                for pid, streets in m.Proposal.objects.values_list("id", "streets")}


def versions(store: Store) -> list[VersionRow]:
    """The published list versions, newest first, with the audit anchor each carries."""
    with transaction(store, write=False):
        rows = list(m.ListVersion.objects.order_by("-number").values_list(
            "number", "at", "audit_seq"))
        macs = dict(m.AuditEntry.objects.filter(seq__in=[r[2] for r in rows])
                    .values_list("seq", "mac"))
        links: dict[int, list[str]] = {}
        for number, pid in m.VersionProposal.objects.order_by("version", "position")\
                .values_list("version", "proposal"):
            links.setdefault(number, []).append(pid)
    key = store.meta.get("key", "")
    return [VersionRow(number, at, f"{seq}:{macs.get(seq, '')}:{key}", links.get(number, []))
            for number, at, seq in rows]


_KEPT: dict[tuple[str, int], tuple[CountyLists, dict[str, str]]] = {}


def published_lists(store: Store, number: int) -> tuple[CountyLists, dict[str, str]]:
    """A published version's lists and names; the last few are kept in memory, since a
    published version never changes (the audit chain covers it)."""
    key = (store.alias, number)
    if key not in _KEPT:
        if len(_KEPT) >= 8:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = version_lists(store, number)
    return _KEPT[key]


def checkpoints(store: Store, last: int = 10) -> list[Anchor]:
    """The newest heads of the checkpoint file kept outside the database."""
    return read_checkpoints(store.target.checkpoints)[-last:]
