"""A street's profile: size tier, quota, yearly capacity in person-days.

Every number comes from pack parameters (``size_tiers``, ``staffing``, ``capacity_year``,
``usable_share``); this module only applies them.
"""

from __future__ import annotations

import functools
from datetime import date

from engine.models.county import Street
from engine.rules.parameters import Parameters, Quota, Range, StaffingModel, Varying
from engine.workdays import working_days_between


def size_tier(street: Street, params: Parameters) -> str | None:
    """``small``, ``medium`` or ``large`` by resident population (None: no tiers in the pack)."""
    return None if params.size_tiers is None else params.size_tiers.tier(street.population)


def limit(value: float | Varying | None, street: Street,
          params: Parameters) -> float | Range | None:
    """A limit as it applies to the street: a fixed one as it is, a varying one by the
    street's town class, size tier or factor band (None: no limit for this street)."""
    if not isinstance(value, Varying):
        return value
    if value.by == "town_class":
        return None if street.town_class is None else value.values.get(str(street.town_class))
    if value.by == "size_tier":
        tier = size_tier(street, params)
        return None if tier is None else value.values.get(tier)
    measure = getattr(street, value.by)
    if measure is None:
        return None
    reached = [b for b in value.bands if measure >= b.min]
    return max(reached, key=lambda b: b.min).value if reached else None


def factor_points(street: Street, model: StaffingModel) -> int | None:
    """The points a street scores over the model's factors (None: a factor is not recorded)."""
    total = 0
    for factor, tiers in model.factors.items():
        value = getattr(street, factor)
        if value is None:
            return None
        total += max((t.points for t in tiers if value >= t.min), default=0)
    return total


def quota(street: Street, model: StaffingModel | None) -> Quota | None:
    """The posts the model allows the street (None: no model, or the street is not graded)."""
    if model is None:
        return None
    if model.basis == "class":
        return None if street.town_class is None else model.classes.get(street.town_class)
    points = factor_points(street, model)
    if points is None:
        return None
    reached = [g for g in model.grades if points >= g.min_points]
    if not reached:
        return None
    best = max(reached, key=lambda g: g.min_points)
    return Quota(administrative=best.administrative, institutional=best.institutional,
                 logistics=best.logistics)


def finance_quota(street: Street, model: StaffingModel | None) -> int | None:
    """Finance-office posts for the street's class and population (first matching entry)."""
    if model is None or street.town_class is None:
        return None
    for entry in model.finance_office:
        if entry.town_class == street.town_class and street.population >= entry.min_population:
            return entry.posts
    return None


@functools.lru_cache(maxsize=16)
def working_days(year: int) -> int:
    """Working days in ``year`` by the calendar the workflow's deadlines use."""
    return working_days_between(date(year - 1, 12, 31), date(year, 12, 31))


def person_days(staff: int, params: Parameters) -> int:
    """What ``staff`` people can give in a year: working days times the usable share."""
    if params.capacity_year is None:
        return 0
    return int(staff * working_days(params.capacity_year) * params.usable_share)


def capacity_days(street: Street, params: Parameters) -> int | None:
    """The street's yearly capacity in person-days (None: the pack sets no capacity year)."""
    if params.capacity_year is None:
        return None
    return person_days(street.staffing.actual, params)
