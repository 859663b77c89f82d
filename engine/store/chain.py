"""Appending to the keyed audit chain inside a write transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.errors import StoreError
from engine.store.audit import (
    account_digest,
    covered_rows,
    entry_mac,
    record_digest,
    rows_digest,
)
from engine.store.keys import Anchor, append_checkpoint, fingerprint
from engine.store.orm import m
from engine.times import CHINA, time_text


def check_whole(store: Any) -> None:
    """Refuse to write to a SQLite file that SQLite itself calls malformed (its quick check,
    under the write lock, before anything is written)."""
    if store.target.engine != "sqlite":
        return
    from django.db import connections

    with connections[store.alias].cursor() as cursor:
        cursor.execute("PRAGMA quick_check")
        found = [str(r[0]) for r in cursor.fetchall()]
    if found != ["ok"]:
        raise StoreError(f"数据库文件已损坏（SQLite：{found[0][:200]}），拒绝写入",
                         store=store.target.shown, reason="damaged",
                         hint="不要继续使用该文件：从备份恢复，或用 sqlite3 的 .recover 导出"
                              "后核验（duty audit verify）；本次操作没有写入。")


@dataclass
class _Pending:
    row: m.AuditEntry


class Chain:
    """The audit entries of one command: begun as the command goes, sealed before COMMIT."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.head: m.AuditHead | None = None
        self.locked_at = datetime.min.replace(tzinfo=CHINA)
        self.pending: list[m.AuditEntry] = []
        # user id → (user, must change; None: as the account's newest seal says)
        self.accounts: dict[int, tuple[Any, bool | None]] = {}

    def lock(self) -> None:
        """Take the chain head (and with it the right to write) before reading anything."""
        self.head = m.AuditHead.objects.select_for_update().filter(pk=1).first()
        if self.head is None:  # a new store: the first command creates the head
            self.head = m.AuditHead.objects.create(pk=1, seq=0, mac="")
        check_whole(self.store)
        # read under the lock: no writer that takes it later can record an earlier time
        self.locked_at = datetime.now(CHINA).replace(microsecond=0)

    @property
    def next_seq(self) -> int:
        assert self.head is not None
        return self.head.seq + len(self.pending) + 1

    def begin(self, *, at: str, account: str, role: str, action: str,
              proposal: str | None = None, before: str | None = None,
              after: str | None = None, detail: dict[str, Any] | None = None,
              clock: str = "real") -> int:
        """A new entry; rows the command writes for it carry the returned ``audit_seq``. A real
        clock read before the write lock was taken gives way to the time the lock was taken,
        so that entries never go back in time when commands wait for each other."""
        seq = self.next_seq
        if clock == "real" and datetime.fromisoformat(at) < self.locked_at:
            at = self.locked_at.isoformat()
        self.pending.append(m.AuditEntry(
            seq=seq, at=time_text(at), account=account, role=role, action=action,
            proposal=proposal, state_before=before, state_after=after, detail=detail or {},
            clock=clock, rows="", record="", prev="", mac=""))
        return seq

    @property
    def last_seq(self) -> int:
        """The entry most recently begun (rows written now belong to it)."""
        if not self.pending:
            raise RuntimeError("no audit entry begun in this command")
        return self.pending[-1].seq

    def account(self, user: Any, *, must_change: bool | None = None) -> None:
        """The command changed this account: its new state is sealed with the last entry.
        ``must_change``: whether its password is a temporary one; None keeps what the newest
        seal says (disabling an account does not forgive a temporary password)."""
        self.accounts[user.pk] = (user, must_change)

    def _seal_accounts(self) -> None:
        from django.contrib.auth import get_user_model

        if not m.AccountSeal.objects.exists():  # a store from before accounts were sealed
            for user in get_user_model().objects.exclude(pk__in=list(self.accounts)):
                self.accounts[user.pk] = (user, False)
        seq = self.last_seq
        for _, (user, must_change) in sorted(self.accounts.items()):
            user.refresh_from_db()
            if must_change is None:
                newest = m.AccountSeal.objects.filter(username=user.username) \
                    .order_by("-seq").first()
                must_change = bool(newest and newest.must_change)
            m.AccountSeal.objects.create(username=user.username, digest=account_digest(user),
                                         must_change=must_change, audit_seq=seq)

    def seal(self) -> None:
        """Seal the accounts the command changed, digest what each entry's command wrote and
        chain the MACs."""
        if not self.pending:
            return
        key = self.store.key
        if key is None:
            raise StoreError("没有审计密钥，不能写入", store=self.store.target.shown,
                             reason="no-key")
        assert self.head is not None
        self._seal_accounts()
        rows = covered_rows(e.seq for e in self.pending)
        proposals = {p.id: p for p in m.ProposalRecord.objects.filter(
            id__in={e.proposal for e in self.pending if e.proposal})}
        prev = self.head.mac
        for entry in self.pending:
            entry.rows = rows_digest(rows.get(entry.seq, []))
            entry.record = record_digest(proposals.get(entry.proposal or ""))
            entry.prev = prev
            entry.mac = entry_mac(key, entry)
            prev = entry.mac
        m.AuditEntry.objects.bulk_create(self.pending)
        last = self.pending[-1]
        self.head.seq, self.head.mac = last.seq, last.mac
        self.head.save(update_fields=["seq", "mac"])

    def checkpoint(self) -> None:
        """The new head, with the key's fingerprint, to the checkpoint file and to the second
        copy kept outside the store's directory."""
        if self.pending:
            last = self.pending[-1]
            anchor = Anchor(last.seq, last.mac, fingerprint(self.store.key))
            for path in self.store.target.anchor_files:
                append_checkpoint(path, anchor, time_text(last.at))
