"""Building the lists from the catalogue with the same rules `duty evaluate` uses.

Each catalogue item is placed as if it were a complete, funded hand-over to the streets it
applies to: the assignment rules that fire on that placement decide the list, the primary
party and the phases, exactly as they would for a proposal. The placement is decided once
per street profile (``engine.lists.plan``); the result is the same as deciding every street.
"""

from __future__ import annotations

from engine.lists.plan import ListPlan
from engine.loading.workspace import Workspace
from engine.models.lists import CountyLists


def build_lists(ws: Workspace) -> CountyLists:
    """Every street's three lists and every department's list, as models."""
    return ListPlan(ws).county_lists()
