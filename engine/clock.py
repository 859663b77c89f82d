"""The one clock of both doors: now in China's time zone, or the time ``DUTY_NOW`` fixes (a
rehearsal store's; the admission service refuses it elsewhere). On the lowest floor so that
commands reading a county on today's date need not load the workflow; re-exported by
``engine.workflow.roles``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from engine.errors import UsageError
from engine.times import CHINA


@dataclass(frozen=True)
class Clock:
    """The time of a call; ``fixed`` when a rehearsal store's ``DUTY_NOW`` set it."""

    now: datetime
    fixed: bool = False

    @classmethod
    def real(cls) -> Clock:
        return cls(datetime.now(CHINA).replace(microsecond=0))

    @classmethod
    def from_environment(cls) -> Clock:
        """The clock of a call through either door: now, or the time ``DUTY_NOW`` fixes (a
        rehearsal store's; the service refuses it elsewhere). A value that is no date and
        time is the same usage error in every door."""
        fixed = os.environ.get("DUTY_NOW")
        if not fixed:
            return cls.real()
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"DUTY_NOW 不是有效的日期时间：“{fixed}”",
                             hint="例如 DUTY_NOW=2026-09-28T09:00:00+08:00") from None
        # kept in China time, as every stored time is read back
        return cls((value if value.tzinfo else value.replace(tzinfo=CHINA)).astimezone(CHINA),
                   fixed=True)

    @property
    def stamp(self) -> str:
        return self.now.isoformat()
