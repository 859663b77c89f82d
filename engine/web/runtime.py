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
from pathlib import Path

from engine.workflow.roles import Clock
from engine.workflow.service import AdmissionService

_lock = threading.RLock()
_service: AdmissionService | None = None


def county_dir() -> Path | None:
    value = os.environ.get("DUTY_COUNTY")
    return Path(value) if value else None


def _stamp(svc: AdmissionService) -> tuple[int, int] | None:
    """Which county.yaml the service was loaded from (inode and change time): an import in
    any process replaces it, and each process then loads the county again."""
    try:
        st = (Path(svc.base.county.directory) / "county.yaml").stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


_loaded: tuple[int, int] | None = None


def service() -> AdmissionService:
    global _service, _loaded
    with _lock:
        if _service is None:
            from engine.api import open_workflow, store_target

            _service = open_workflow(county_dir(), store_target())
            _loaded = _stamp(_service)
        elif _loaded is None:
            _loaded = _stamp(_service)
        elif _stamp(_service) != _loaded:
            reload()
        return _service


def reload() -> None:
    """The county loaded again from its directory, on the same store (after an import)."""
    global _service, _loaded
    with _lock:
        if _service is None:
            return
        from engine.api import county_workspace

        _service = AdmissionService(county_workspace(Path(_service.base.county.directory)),
                                    _service.store)
        _loaded = _stamp(_service)


@contextmanager
def engine() -> Iterator[AdmissionService]:
    """The service, held by this request alone."""
    with _lock:
        yield service()


def clock() -> Clock:
    """Now, or ``DUTY_NOW`` in a rehearsal store: the one clock reader of both doors (a bad
    value is the same error as on the command line). Outside a rehearsal store the fixed
    time is left aside here, since a browser user cannot unset it."""
    fixed = Clock.from_environment()
    return fixed if fixed.fixed and service().store.rehearsal else Clock.real()
