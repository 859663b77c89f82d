"""Log-in lock-outs (django-axes' records of failed attempts, by account and address
together): the current ones, and lifting them, by one lock-out (the web's lock-outs page) or
every one of an account (``duty user unlock``). Only an account holding ``admin`` lifts, in
one transaction with an entry of the audit chain; a refusal changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.errors import NotFoundError
from engine.store.session import Store, transaction
from engine.workflow.accounts import entry, need_admin
from engine.workflow.names import SystemAction
from engine.workflow.roles import CHINA, Actor, Clock
from engine.workflow.views import LockoutsLifted

ACTION = SystemAction.lockout_lift.value


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
    """The pairs of account and address locked out now, most recent first (the web's
    settings say after how many failures, and for how long)."""
    from django.conf import settings

    cooloff = settings.AXES_COOLOFF_TIME
    with transaction(store, write=False):
        rows = _attempts().objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - cooloff).order_by("-attempt_time")
        return [Lockout(r.id, r.username or "", r.ip_address or "", r.failures_since_start,
                        r.attempt_time.astimezone(CHINA),
                        (r.attempt_time + cooloff).astimezone(CHINA)) for r in rows]


def lift(store: Store, actor: Actor | None, clock: Clock, *, lockout: int | None = None,
         username: str | None = None) -> LockoutsLifted | None:
    """Lift one lock-out (``lockout``: its id; gone is an error) or every record of failed
    log-ins of an account (``username``: an unknown account is an error; an account with none
    is None, and nothing is written). Refused, changing nothing, unless the actor acts as
    admin."""
    if (lockout is None) == (username is None):
        raise ValueError("lift: one of lockout and username")
    need_admin(store, actor, ACTION)
    with transaction(store) as chain:
        rows = _attempts().objects.select_for_update()
        if lockout is not None:
            found = list(rows.filter(pk=lockout))
            if not found:
                raise NotFoundError("该锁定已不存在（已到期或已被解除）", kind="lockout",
                                    name=str(lockout), known=[])
        else:
            from django.contrib.auth import get_user_model

            if not get_user_model().objects.filter(username=username).exists():
                known = get_user_model().objects.values_list("username", flat=True)
                raise NotFoundError(f"没有账号 {username}", kind="account", name=username,
                                    known=known)
            found = list(rows.filter(username=username).order_by("id"))
            if not found:
                return None
        lifted = LockoutsLifted(username=found[0].username or "",
                                addresses=sorted({r.ip_address or "" for r in found}),
                                failures=sum(r.failures_since_start for r in found))
        entry(chain, actor, clock, SystemAction.lockout_lift, lifted.model_dump(mode="json"))
        for row in found:
            row.delete()
    return lifted
