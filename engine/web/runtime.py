"""The service a web process works with: one per process, opened on first use.

The rule engine keeps one host per process and is not made for concurrent callers, so the
engine is entered by one request at a time (gunicorn's sync workers serve one request each;
the lock matters only for threaded servers).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from engine.workflow.roles import CHINA, Clock
from engine.workflow.service import AdmissionService

_lock = threading.RLock()
_service: AdmissionService | None = None


def county_dir() -> Path | None:
    value = os.environ.get("DUTY_COUNTY")
    return Path(value) if value else None


def service() -> AdmissionService:
    global _service
    with _lock:
        if _service is None:
            from engine.api import county_workspace, store_target
            from engine.workflow.stores import open_service

            _service = open_service(county_workspace(county_dir()), store_target())
        return _service


@contextmanager
def engine() -> Iterator[AdmissionService]:
    """The service, held by this request alone."""
    with _lock:
        yield service()


def clock() -> Clock:
    """Now; ``DUTY_NOW`` only in a rehearsal store (as the service requires)."""
    fixed = os.environ.get("DUTY_NOW")
    if fixed and service().store.rehearsal:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            return Clock.real()
        return Clock(value if value.tzinfo else value.replace(tzinfo=CHINA), fixed=True)
    return Clock.real()
