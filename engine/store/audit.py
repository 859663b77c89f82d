"""The keyed audit chain.

Each entry holds who acted (account and role), when, what (action, proposal, states, detail),
the digest of the rows its command wrote (``rows``), the digest of the proposal row as the
command left it (``record``) and the previous entry's MAC; its own MAC is HMAC-SHA256 over all
of that with the store's key. ``verify`` recomputes every digest from the tables and every MAC
with the key, so an edit of any covered table, a chain recomputed without the key, a gap, a
clock that goes backwards or a fixed clock outside a rehearsal store is found and named; cut
ends are found against an anchor (``--expect`` or the checkpoint file).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.store.orm import m
from engine.times import time_text

ENTRY_FIELDS = ("seq", "at", "account", "role", "action", "proposal", "state_before",
                "state_after", "detail", "clock", "rows", "record", "prev")


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _plain(field: Any, value: Any) -> Any:
    """A column's value as the digests serialise it: the same text for the same value on
    SQLite and PostgreSQL, and the text the columns held before they were typed."""
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "BinaryField":
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if kind == "DateTimeField":
        return time_text(value)
    if kind == "DateField":
        return (date.fromisoformat(value) if isinstance(value, str) else value).isoformat()
    if kind == "JSONField":
        return canonical(value)
    return value


def row_fields(row: Any) -> dict[str, Any]:
    """A row by column name (a foreign key by the key it holds)."""
    return {f.column: _plain(f, getattr(row, f.attname)) for f in row._meta.concrete_fields}


def rows_digest(rows: Iterable[tuple[str, dict[str, Any]]]) -> str:
    body = sorted((table, canonical(fields)) for table, fields in rows)
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def record_digest(proposal: m.ProposalRecord | None) -> str:
    return "" if proposal is None else hashlib.sha256(
        canonical(row_fields(proposal)).encode("utf-8")).hexdigest()


def account_digest(user: Any) -> str:
    """What an account is, as the record commits to it: its user row (name, password hash,
    active, staff and superuser flags, the person's name when given), its role bindings and
    its tokens (their digests and revocations). The time of the last log-in is left out: it
    changes without a command."""
    bindings = sorted(m.RoleBinding.objects.filter(user=user).values_list("county", "role"))
    tokens = sorted((d, None if r is None else time_text(r)) for d, r in
                    m.ApiToken.objects.filter(user=user).values_list("digest", "revoked"))
    body = {"username": user.username, "password": user.password,
            "active": bool(user.is_active), "staff": bool(user.is_staff),
            "superuser": bool(user.is_superuser),
            "roles": [list(b) for b in bindings], "tokens": [list(t) for t in tokens]}
    if user.first_name:  # the person's name, where one was given (older seals have none)
        body["name"] = user.first_name
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def entry_mac(key: bytes, entry: m.AuditEntry) -> str:
    fields = row_fields(entry)
    body = canonical([fields[name] for name in ENTRY_FIELDS])
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def covered_rows(seqs: Iterable[int] | None = None) -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """The covered rows by the audit entry that wrote them (``seqs``: only those)."""
    out: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    wanted = None if seqs is None else list(seqs)
    for model in m.COVERED:
        query = model.objects.all()  # type: ignore[attr-defined]
        if wanted is not None:
            query = query.filter(audit_seq__in=wanted)
        for row in query.iterator():
            out[row.audit_seq].append((model._meta.db_table, row_fields(row)))
    return out


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int | None
    # gap | link | mac | rows | record | orphan | clock | rehearsal | head | anchor | meta |
    # account | proposal
    kind: str
    message: str


class Report(BaseModel):
    """What ``duty audit verify`` found."""

    model_config = ConfigDict(frozen=True)

    entries: int
    head: str  # SEQ:MAC of the newest entry ("" for an empty chain)
    intact: bool
    problems: list[Problem]
    anchors_checked: int
    # what weakens the check without contradicting the record: an empty chain, no anchor
    # file (kinds: empty | no-anchors)
    warnings: list[Problem] = []
