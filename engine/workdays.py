"""Deadlines counted in Chinese working days (工作日).

A working day is a day the State Council calendar has people at work: Monday to Friday that are
not statutory public holidays, plus the adjusted working weekends (调休上班日). The holiday data
comes from the PyPI package ``chinesecalendar`` (import name ``chinese_calendar``), which covers
the years from 2004 up to the last year whose notice it has been updated for, and raises
``NotImplementedError`` for any other year. :func:`covered_years` reads that range from the
installed package's own holiday data, so upgrading the package widens it without code changes.

Decision for days outside the covered years: rather than failing, the count falls back to
Monday–Friday (weekends skipped, holidays and adjusted working days unknown) and the result is
marked ``estimated`` so callers can say so, e.g. with :data:`ESTIMATE_NOTE`
(“按周一至周五估算，未计节假日”). Keeping the package up to date each year (the State Council
usually publishes the next year's arrangement in November) keeps deadlines exact.

Counting convention: the start day itself is never counted. ``add_working_days(start, n)`` is
the n-th working day after ``start`` and ``working_days_between(start, end)`` counts the working
days in ``(start, end]``, so ``working_days_between(start, add_working_days(start, n).due) == n``.

Per-day lookups are cached (:func:`functools.lru_cache`), as are whole deadlines, so computing
the deadline of many proposals that share start dates costs a dictionary look-up each.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

__all__ = [
    "ESTIMATE_NOTE",
    "Deadline",
    "add_working_days",
    "covered_years",
    "is_working_day",
    "working_days_between",
]

ESTIMATE_NOTE = "按周一至周五估算，未计节假日"
"""What to tell users when a deadline is :attr:`Deadline.estimated`."""

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """A due date and whether it had to be estimated.

    ``estimated`` is true when any day counted, i.e. any day in ``(start, due]``, falls in a
    year the installed calendar package does not cover; those days were counted Monday–Friday.
    """

    due: date
    estimated: bool

    @property
    def note(self) -> str:
        """A Chinese note for users: :data:`ESTIMATE_NOTE` if estimated, else an empty string."""
        return ESTIMATE_NOTE if self.estimated else ""


@functools.lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """The first and last year the installed ``chinesecalendar`` package has holiday data for.

    Read from the package's holiday table, the same data the package itself uses to decide
    which years it supports.
    """
    years = {day.year for day in chinese_calendar.holidays}
    return min(years), max(years)


def _as_date(day: date) -> date:
    """``day`` as a plain :class:`date` (a :class:`datetime` loses its time of day)."""
    return day.date() if isinstance(day, datetime) else day


@functools.lru_cache(maxsize=1 << 16)
def _lookup(day: date) -> tuple[bool, bool]:
    """Cached body of :func:`is_working_day`; ``day`` must be a plain :class:`date`."""
    first, last = covered_years()
    if first <= day.year <= last:
        # chinese_calendar.is_workday on its tables, without its range check per call (it
        # takes the minimum and maximum of the whole holiday table each time)
        working = day in chinese_calendar.workdays or (
            day.weekday() < 5 and day not in chinese_calendar.holidays)
        return working, True
    return day.weekday() < 5, False


def is_working_day(day: date) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, and whether that is known from the calendar.

    Returns ``(working, known)``. Outside the covered years Monday–Friday count as working days
    and ``known`` is ``False``.
    """
    return _lookup(_as_date(day))


def add_working_days(start: date, days: int) -> Deadline:
    """The day that is ``days`` working days after ``start``.

    ``start`` itself is not counted, so ``days=0`` gives ``start`` (not estimated, since no day
    was counted) and ``days=1`` gives the first working day after ``start``, whatever ``start``
    is. Raises :class:`ValueError` if ``days`` is negative and :class:`TypeError` if it is not
    an integer.
    """
    try:
        days = operator.index(days)
    except TypeError:
        raise TypeError(f"工作日天数必须是整数：{days!r}") from None
    if days < 0:
        raise ValueError(f"工作日天数不能为负数：{days}")
    return _add_working_days(_as_date(start), days)


@functools.lru_cache(maxsize=1 << 14)
def _add_working_days(start: date, days: int) -> Deadline:
    """Cached body of :func:`add_working_days`; arguments already checked."""
    day = start
    estimated = False
    remaining = days
    while remaining:
        day += _ONE_DAY
        working, known = _lookup(day)
        if not known:
            estimated = True
        if working:
            remaining -= 1
    return Deadline(due=day, estimated=estimated)


def working_days_between(start: date, end: date) -> int:
    """The number of working days in ``(start, end]``: 0 when ``end`` is not after ``start``.

    Days outside the covered years are counted Monday–Friday, as in :func:`add_working_days`.
    """
    day, end = _as_date(start), _as_date(end)
    count = 0
    while day < end:
        day += _ONE_DAY
        if _lookup(day)[0]:
            count += 1
    return count
