"""Current log-in lock-outs (django-axes' records of failed attempts, by account and address
together) and lifting one: only an account holding ``admin``, in one transaction with an entry
of the audit chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from engine.errors import ForbiddenError, NotFoundError
from engine.store.session import Store, transaction
from engine.workflow.roles import CHINA, Actor, Clock

ACTION = "lockout_lift"  # the audit entry's action


@dataclass(frozen=True)
class Lockout:
    id: int
    username: str
    address: str
    failures: int
    last: datetime
    until: datetime


def _attempts() -> type:
    from axes.models import AccessAttempt

    return AccessAttempt


def current(store: Store, now: datetime) -> list[Lockout]:
    """The pairs of account and address locked out now, most recent first."""
    cooloff = settings.AXES_COOLOFF_TIME
    with transaction(store, write=False):
        rows = _attempts().objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - cooloff).order_by("-attempt_time")
        return [Lockout(r.id, r.username or "", r.ip_address or "", r.failures_since_start,
                        r.attempt_time.astimezone(CHINA),
                        (r.attempt_time + cooloff).astimezone(CHINA)) for r in rows]


def lift(store: Store, actor: Actor, clock: Clock, lockout_id: int) -> Lockout:
    """Lift one lock-out; refused (nothing changed) unless the actor acts as admin."""
    from engine.workflow.names import RoleKind

    if actor.role.kind is not RoleKind.admin:
        raise ForbiddenError("只有账号管理员可以解除登录锁定", account=actor.recorded,
                             role=str(actor.role), action=ACTION)
    with transaction(store) as chain:
        row = _attempts().objects.select_for_update().filter(pk=lockout_id).first()
        if row is None:
            raise NotFoundError("该锁定已不存在（已到期或已被解除）", kind="lockout",
                                name=str(lockout_id), known=[])
        found = Lockout(row.id, row.username or "", row.ip_address or "",
                        row.failures_since_start, row.attempt_time, row.attempt_time)
        chain.begin(at=clock.stamp, account=actor.recorded, role=str(actor.role),
                    action=ACTION, detail={"username": found.username,
                                           "address": found.address,
                                           "failures": found.failures},
                    clock="fixed" if clock.fixed else "real")
        row.delete()
    return found
