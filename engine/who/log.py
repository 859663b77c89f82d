"""The lookups made for 12345 tickets, kept in the store for the assessment view.

A lookup is written only when a ticket number is given; it records who asked, for which
street, in which published version, and the item answered first, never the complaint's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.errors import QueryError
from engine.store.session import Store
from engine.times import CHINA, time_text
from engine.who.models import WhoAnswer

TICKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def check_ticket(text: str) -> str:
    """A ticket number as logged (trimmed), or a refusal."""
    ticket = text.strip()
    if not TICKET.match(ticket):
        raise QueryError("工单编号只能由字母、数字、- 和 _ 组成，最多 40 个字符",
                         reason="ticket", length=len(ticket), maximum=40,
                         hint="例如 20231224019374；不知道编号时不填。")
    return ticket


def record_lookup(store: Store, *, at: str, account: str, role: str, ticket: str,
                  answer: WhoAnswer, version: int) -> None:
    from django.db import transaction

    from engine.store.router import using
    from engine.workflow import repository as repo

    best = answer.matches[0] if answer.matches else None
    with using(store.alias), transaction.atomic(using=store.alias):
        repo.add_lookup(
            at=at, account=account, role=role, ticket=ticket, street=answer.street,
            version=version, item=best.item if best else None,
            department=best.department if best else None)


@dataclass(frozen=True)
class Lookup:
    at: str
    ticket: str
    street: str
    item: str | None
    department: str | None


def lookups(store: Store, start: str, end: str) -> list[Lookup]:
    """The lookups whose day (YYYY-MM-DD, China time as recorded) is within [start, end]."""
    from engine.store.router import using
    from engine.store.session import read_alias
    from engine.workflow import repository as repo

    with using(read_alias(store)):
        since = datetime.combine(date.fromisoformat(start), time.min, CHINA)
        until = datetime.combine(date.fromisoformat(end) + timedelta(days=1), time.min, CHINA)
        rows = repo.lookups(since, until)
        return [Lookup(time_text(r.at), r.ticket, r.street, r.item, r.department) for r in rows]
