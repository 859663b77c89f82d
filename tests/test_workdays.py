"""Working-day deadlines: holidays, adjusted working weekends and the fallback beyond coverage."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.workdays import (
    ESTIMATE_NOTE,
    Deadline,
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)

FIRST, LAST = covered_years()


def _days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _next_weekday(day: date, weekday: int) -> date:
    """The first day on or after ``day`` that falls on ``weekday`` (Monday is 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- coverage -------------------------------------------------------------------------------


def test_every_covered_day_agrees_with_the_package() -> None:
    """The lookup reads the package's tables directly; it says what ``is_workday`` says."""
    for day in _days(date(FIRST, 1, 1), date(LAST, 12, 31)):
        assert is_working_day(day) == (chinese_calendar.is_workday(day), True)


def test_covered_years_match_what_the_package_accepts() -> None:
    assert FIRST <= 2025 <= LAST
    chinese_calendar.is_workday(date(FIRST, 1, 1))
    chinese_calendar.is_workday(date(LAST, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(LAST + 1, 1, 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FIRST - 1, 12, 31))


# --- National Day 2025 ----------------------------------------------------------------------


def test_national_day_2025_is_known() -> None:
    for day in _days(date(2025, 10, 1), date(2025, 10, 8)):
        assert is_working_day(day) == (False, True), day
    assert is_working_day(date(2025, 9, 28)) == (True, True)  # Sunday, adjusted working day
    assert is_working_day(date(2025, 10, 11)) == (True, True)  # Saturday, adjusted working day
    assert is_working_day(date(2025, 9, 27)) == (False, True)  # ordinary Saturday
    assert is_working_day(date(2025, 10, 12)) == (False, True)  # ordinary Sunday


def test_adjusted_sunday_counts() -> None:
    assert add_working_days(date(2025, 9, 26), 1) == Deadline(date(2025, 9, 28), False)


def test_deadline_skips_the_national_day_holiday() -> None:
    assert add_working_days(date(2025, 9, 30), 1) == Deadline(date(2025, 10, 9), False)
    assert add_working_days(date(2025, 9, 29), 2) == Deadline(date(2025, 10, 9), False)


def test_adjusted_saturday_counts() -> None:
    assert add_working_days(date(2025, 10, 9), 2).due == date(2025, 10, 11)
    assert add_working_days(date(2025, 10, 10), 1).due == date(2025, 10, 11)
    assert add_working_days(date(2025, 10, 11), 1).due == date(2025, 10, 13)


def test_starting_on_a_holiday() -> None:
    assert add_working_days(date(2025, 10, 3), 1).due == date(2025, 10, 9)


def test_between_across_national_day_2025() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    # 9-28 (Sun), 9-29, 9-30, 10-9, 10-10, 10-11 (Sat)
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 11)) == 6


# --- Spring Festival 2026 (国办发明电〔2025〕7号: 2月15日至23日放假，2月14日、2月28日上班) --------

needs_2026 = pytest.mark.skipif(LAST < 2026, reason="installed chinesecalendar lacks 2026")


@needs_2026
def test_spring_festival_2026_is_known() -> None:
    for day in _days(date(2026, 2, 15), date(2026, 2, 23)):
        assert is_working_day(day) == (False, True), day
    assert is_working_day(date(2026, 2, 14)) == (True, True)  # Saturday, adjusted working day
    assert is_working_day(date(2026, 2, 28)) == (True, True)  # Saturday, adjusted working day
    assert is_working_day(date(2026, 2, 24)) == (True, True)


@needs_2026
def test_deadline_across_spring_festival_2026() -> None:
    assert add_working_days(date(2026, 2, 13), 1) == Deadline(date(2026, 2, 14), False)
    assert add_working_days(date(2026, 2, 14), 1) == Deadline(date(2026, 2, 24), False)
    # 2-24 .. 2-27 (Tue–Fri), then the adjusted Saturday 2-28
    assert add_working_days(date(2026, 2, 23), 5).due == date(2026, 2, 28)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6


@needs_2026
def test_national_day_2026() -> None:
    assert is_working_day(date(2026, 10, 1)) == (False, True)
    assert add_working_days(date(2026, 9, 30), 1).due == date(2026, 10, 8)


# --- ordinary weeks, edge cases -------------------------------------------------------------


def test_ordinary_week() -> None:
    monday = date(2025, 6, 9)
    assert add_working_days(monday, 1).due == date(2025, 6, 10)
    assert add_working_days(monday, 4).due == date(2025, 6, 13)  # Friday
    assert add_working_days(monday, 5).due == date(2025, 6, 16)  # next Monday
    assert add_working_days(date(2025, 6, 13), 1).due == date(2025, 6, 16)
    assert add_working_days(date(2025, 6, 14), 1).due == date(2025, 6, 16)  # from a Saturday
    assert working_days_between(monday, date(2025, 6, 16)) == 5


def test_zero_days_is_the_start_itself() -> None:
    assert add_working_days(date(2025, 6, 11), 0) == Deadline(date(2025, 6, 11), False)
    assert add_working_days(date(2025, 10, 1), 0).due == date(2025, 10, 1)  # even a holiday
    assert add_working_days(date(LAST + 3, 6, 1), 0).estimated is False  # no day counted


def test_negative_days_are_an_error() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        add_working_days(date(2025, 6, 11), -1)


def test_non_integer_days_are_an_error() -> None:
    with pytest.raises(TypeError, match="必须是整数"):
        add_working_days(date(2025, 6, 11), 1.5)  # type: ignore[arg-type]


def test_between_is_zero_unless_end_is_after_start() -> None:
    assert working_days_between(date(2025, 6, 11), date(2025, 6, 11)) == 0
    assert working_days_between(date(2025, 6, 16), date(2025, 6, 9)) == 0


def test_datetimes_are_taken_as_their_date() -> None:
    assert add_working_days(datetime(2025, 9, 30, 17, 45), 1).due == date(2025, 10, 9)
    assert type(add_working_days(datetime(2025, 9, 30, 17, 45), 1).due) is date
    assert is_working_day(datetime(2025, 10, 11, 9, 0)) == (True, True)
    assert working_days_between(datetime(2025, 9, 30, 8), datetime(2025, 10, 9, 8)) == 1


def test_deadline_is_frozen() -> None:
    deadline = add_working_days(date(2025, 6, 9), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.due = date(2025, 6, 10)  # type: ignore[misc]


# --- fallback beyond coverage ---------------------------------------------------------------


def test_beyond_coverage_skips_weekends_and_is_estimated() -> None:
    friday = _next_weekday(date(LAST + 1, 3, 1), 4)
    saturday, sunday, monday = (friday + timedelta(days=i) for i in (1, 2, 3))
    assert is_working_day(friday) == (True, False)
    assert is_working_day(saturday) == (False, False)
    assert is_working_day(sunday) == (False, False)
    deadline = add_working_days(friday, 1)
    assert deadline == Deadline(monday, True)
    assert deadline.note == ESTIMATE_NOTE
    assert add_working_days(friday, 5) == Deadline(monday + timedelta(days=4), True)
    assert working_days_between(friday, monday + timedelta(days=7)) == 6


def test_before_coverage_is_estimated_too() -> None:
    friday = _next_weekday(date(FIRST - 1, 6, 1), 4)
    assert add_working_days(friday, 1) == Deadline(friday + timedelta(days=3), True)


def test_crossing_into_an_uncovered_year_is_estimated() -> None:
    deadline = add_working_days(date(LAST, 12, 20), 20)
    assert deadline.due.year == LAST + 1
    assert deadline.estimated
    assert add_working_days(date(LAST, 6, 1), 20).estimated is False
    assert add_working_days(date(2025, 6, 9), 1).note == ""


# --- properties -----------------------------------------------------------------------------

_starts = st.dates(min_value=date(FIRST - 1, 10, 1), max_value=date(LAST + 1, 3, 31))


@settings(deadline=None, max_examples=200)
@given(start=_starts, days=st.integers(min_value=0, max_value=60))
def test_between_inverts_add(start: date, days: int) -> None:
    deadline = add_working_days(start, days)
    assert working_days_between(start, deadline.due) == days
    if days:
        # the due day is a working day and the earliest day with that count
        assert is_working_day(deadline.due)[0]
        assert working_days_between(start, deadline.due - timedelta(days=1)) == days - 1
    counted = _days(start + timedelta(days=1), deadline.due) if days else []
    assert deadline.estimated == any(not is_working_day(day)[1] for day in counted)


@settings(deadline=None, max_examples=100)
@given(start=_starts, a=st.integers(0, 40), b=st.integers(0, 40))
def test_add_is_additive(start: date, a: int, b: int) -> None:
    first = add_working_days(start, a).due
    assert add_working_days(first, b).due == add_working_days(start, a + b).due
