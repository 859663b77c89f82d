"""Checking an account against the keyed record, at every log-in, request and command.

The newest seal of the account (``AccountSeal``) must hold the digest of the account as it is
now, the audit entry that wrote the seal must carry a valid MAC over a digest of the rows it
wrote (the seal among them), and no later entry that changes accounts may name the account
(a seal deleted to bring back an older state). A row edited, inserted or deleted without the
key therefore makes the account unusable until the record and the rows agree again;
``duty audit verify`` names the same accounts for the whole store.
"""

from __future__ import annotations

from typing import Any

from engine.store.audit import account_digest, covered_rows, entry_mac, rows_digest
from engine.store.orm import m

# the audit actions that change an account (``engine.workflow.names.SystemAction``)
ACCOUNT_ACTIONS = ("user_add", "user_disable", "user_enable", "user_unlock", "token_issue",
                   "token_revoke", "password_set", "password_reset", "user_grant")


def account_problem(key: bytes, user: Any) -> str | None:
    """Why the account's rows disagree with the record (None: they agree). Runs inside a
    transaction on the store."""
    seal = m.AccountSeal.objects.filter(username=user.username).order_by("-seq").first()
    if seal is None:
        if not m.AccountSeal.objects.exists():  # a store from before accounts were sealed
            return None
        return "审计记录中没有该账号（账号是绕过程序直接写入数据库的）"
    if seal.digest != account_digest(user):
        return "账号的密码、状态、角色或令牌与审计记录不符（数据库被直接改动过）"
    entry = m.AuditEntry.objects.filter(seq=seal.audit_seq).first()
    if entry is None:
        return f"账号的审计记录（第 {seal.audit_seq} 条）不存在"
    rows = covered_rows([entry.seq]).get(entry.seq, [])
    if entry_mac(key, entry) != entry.mac or rows_digest(rows) != entry.rows:
        return f"账号的审计记录（第 {entry.seq} 条）与密钥签名不符"
    for later in m.AuditEntry.objects.filter(seq__gt=entry.seq, action__in=ACCOUNT_ACTIONS):
        if _names(later.detail) == user.username:
            return f"账号的最新变更（第 {later.seq} 条记录）不见了"
    return None


def sealed_problems(key: bytes) -> list[tuple[str, str]]:
    """Every account that disagrees with the record, and every sealed account that is gone:
    (username, why), by username."""
    from django.contrib.auth import get_user_model

    out: list[tuple[str, str]] = []
    users = {u.username: u for u in get_user_model().objects.all()}
    for name, user in sorted(users.items()):
        problem = account_problem(key, user)
        if problem:
            out.append((name, problem))
    gone = set(m.AccountSeal.objects.values_list("username", flat=True)) - set(users)
    out += [(name, "账号已从数据库中删除，而审计记录中仍有它") for name in sorted(gone)]
    return out


def _names(detail: Any) -> str | None:
    return detail.get("username") if isinstance(detail, dict) else None
