"""Pausing Python's cyclic garbage collector while a large tree of new objects is built.

A decision over thousands of streets makes hundreds of thousands of small objects (findings,
parties, phase duties). None of them can form a reference cycle: they are a tree, freed by
reference counting. Yet every few hundred allocations the collector runs, and its older
generations scan everything that lives long — the loaded county first — over and over, which
can cost more than building the objects. ``paused()`` turns the collector off for such a
stretch and back on afterwards (only if it was on: nested pauses leave it as the outermost
one found it; the collector is one for the whole process, so with threads the first pause to
end turns it back on); objects made meanwhile are counted and examined at the next
collection as usual. Objects that do form cycles (an openpyxl workbook and its sheets) are
freed only by the collector: never pause it while many of those are made.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Leave every object alive now out of the collector's scans for the rest of the process
    (``gc.freeze``). For a command that has loaded a large county and goes on to make many
    short-lived objects: the county stays until the process ends, and scanning it again at
    every full collection makes the work grow with the square of the county's size. Objects
    are still freed by reference counting; only cycles among them would be kept."""
    gc.freeze()
