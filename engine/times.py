"""China's time zone, and times as the record states them (without loading Django): the text
every door shows and every digest covers for a stored date-time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def time_text(value: datetime | str) -> str:
    """ISO 8601 in China time (``2026-09-28T09:00:00+08:00``), whichever database the time
    was read from; a time without a zone is China time."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (when if when.tzinfo else when.replace(tzinfo=CHINA)).astimezone(CHINA).isoformat()
