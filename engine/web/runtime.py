"""The service a web process works with: one per process, opened on first use.

The rule engine keeps one host per process and is not made for concurrent callers, so the
engine is entered by one request at a time (gunicorn's sync workers serve one request each;
the lock matters only for threaded servers).

A county changes under a running process in two ways, and each request looks for both
first (``in_step``, called by the middleware ``CountyInStep``): its
``county.yaml`` is replaced on disk (an import by any process, or an edit), or the store
records another county revision (an import, or a change recorded by a process on another
host). Either way the county is loaded again from its directory. When the store moved on and
the directory still holds another county, this host's directory is not the one the store's
county was imported into: the process refuses to serve (docs/web.md, "More than one host")
rather than show the old county, or record it again over the new one at its next step.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.errors import StoreError
from engine.workflow.roles import Clock
from engine.workflow.service import AdmissionService

_lock = threading.RLock()
_service: AdmissionService | None = None


def county_dir() -> Path | None:
    value = os.environ.get("DUTY_COUNTY")
    return Path(value) if value else None


def _stamp(svc: AdmissionService) -> tuple[int, int, int] | None:
    """Which county.yaml the service was loaded from (inode, change and status-change times:
    a copy that keeps the old times is still told apart)."""
    try:
        st = (Path(svc.base.county.directory) / "county.yaml").stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_ctime_ns


# the service the marks below belong to, the stamp of its county.yaml, and the store's county
# revision this process last agreed with (a service set from outside starts them again)
_for: AdmissionService | None = None
_stamped: tuple[int, int, int] | None = None
_known: str | None = None


def service() -> AdmissionService:
    """The service, opened on first use (``in_step`` has checked its county at the start of
    the request)."""
    global _service
    with _lock:
        if _service is None:
            from engine.api import open_workflow, store_target

            _service = open_workflow(county_dir(), store_target())
        return _service


def in_step() -> AdmissionService:
    """The service, its county loaded again first when it changed on disk or in the store
    (once per request, by the middleware ``CountyInStep``)."""
    global _for, _stamped, _known
    with _lock:
        svc = service()
        recorded, stamp = svc.recorded_revision(), _stamp(svc)
        if svc is not _for:
            _for, _stamped, _known = svc, stamp, recorded
            return svc
        if recorded == _known and stamp == _stamped:
            return svc
        if recorded != svc.revision or stamp != _stamped:
            reload()
        assert _service is not None
        if recorded != _known and recorded != _service.revision:
            raise StoreError(
                "数据库中的县区数据已在另一处更新（例如另一台服务器上的导入），本机的县区目录"
                "不是更新后的目录", store=_service.store.target.shown, reason="county-behind",
                hint="各台服务器须使用同一个县区目录（DUTY_COUNTY，例如共享的网络目录）；"
                     "将更新后的县区目录放到本机后重新打开页面。")
        _known = recorded
        return _service


def reload() -> None:
    """The county loaded again from its directory, on the same store (after an import)."""
    global _service, _for, _stamped
    with _lock:
        if _service is None:
            return
        from engine.api import county_workspace

        kept = _service is _for
        _service = AdmissionService(county_workspace(Path(_service.base.county.directory)),
                                    _service.store)
        if kept:
            _for, _stamped = _service, _stamp(_service)


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
