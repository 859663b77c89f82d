"""What the pages read from the store beside the service's views and the queries: the
published versions, their lists and the audit anchors."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.lists import CountyLists
from engine.store.keys import Anchor, read_checkpoints
from engine.store.orm import m
from engine.store.session import Store, transaction
from engine.store.times import time_text
from engine.workflow.versions import version_lists


@dataclass(frozen=True)
class VersionRow:
    number: int
    at: str
    anchor: str  # SEQ:MAC:KEY of the audit entry that published it
    proposals: list[str]


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
    return [VersionRow(number, time_text(at), f"{seq}:{macs.get(seq, '')}:{key}",
                       links.get(number, [])) for number, at, seq in rows]


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


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    account: str
    role: str
    action: str
    proposal: str | None
    before: str | None
    after: str | None


AUDIT_PAGE = 50  # entries per page


def audit_entries(store: Store, *, action: str = "", proposal: str = "", account: str = "",
                  page: int = 1) -> tuple[list[AuditRow], int, int, int]:
    """One page of the audit entries, newest first, narrowed by action, proposal and account
    (exact); the rows, the number of matching entries, the page shown and the pages."""
    with transaction(store, write=False):
        query = m.AuditEntry.objects.order_by("-seq")
        if action:
            query = query.filter(action=action)
        if proposal:
            query = query.filter(proposal=proposal)
        if account:
            query = query.filter(account=account)
        total = query.count()
        pages = max(1, -(-total // AUDIT_PAGE))
        page = min(max(page, 1), pages)
        rows = [AuditRow(seq, time_text(at), *rest) for seq, at, *rest in query.values_list(
            "seq", "at", "account", "role", "action", "proposal", "state_before",
            "state_after")[(page - 1) * AUDIT_PAGE:page * AUDIT_PAGE]]
    return rows, total, page, pages


def audit_actions(store: Store) -> list[str]:
    """The actions the audit holds, for the filter."""
    with transaction(store, write=False):
        return sorted(set(m.AuditEntry.objects.values_list("action", flat=True).distinct()))


def heard(store: Store, street: str) -> set[str]:
    """The proposals on which ``street`` has given its opinion (one query for a whole page,
    where asking the service proposal by proposal took most of the 待办 page's time)."""
    with transaction(store, write=False):
        return set(m.OpinionRecord.objects.filter(street=street).values_list("proposal", flat=True))


def submitted(store: Store, pid: str) -> dict[str, object] | None:
    """The proposal as its applicant last submitted it (the stored document), or None."""
    with transaction(store, write=False):
        document = m.ProposalRecord.objects.filter(id=pid).values_list("document", flat=True) \
            .first()
    return document or None
