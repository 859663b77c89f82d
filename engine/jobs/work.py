"""What a job does, the same whether a worker runs it or it runs inline: who may ask for it,
its row in the store, its progress, and its end.

A job's row is written in its own short transactions (never inside the step it takes), so its
progress shows while it runs. A publication's progress inside the step's transaction is
written through a second connection on PostgreSQL; a SQLite store holds its write lock for
the whole step, so there the row moves at the step's start and end only.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.errors import AuthError, DutyError, ForbiddenError, NotFoundError, UsageError
from engine.jobs.place import job_files
from engine.render.lists_files import tree_files
from engine.store.router import using
from engine.store.session import Store, fault_point, side_alias, transaction
from engine.workflow import repository as repo
from engine.workflow.accounts import account_usable
from engine.workflow.queries import READS_ALL
from engine.workflow.roles import Actor, Clock, parse_role
from engine.workflow.service import AdmissionService
from engine.workflow.views import JobView

Told = Callable[[str, int, int], None]  # stage, done, total: what a door shows as it waits
FILE_FORMATS = ("html", "md", "csv", "xlsx", "json")


def view(row: Any) -> JobView:
    return JobView(id=row.pk, kind=row.kind, county=row.county, account=row.account,
                   role=row.role, arguments=row.arguments, state=row.state, stage=row.stage,
                   done=row.done, total=row.total, attempts=row.attempts, result=row.result,
                   error=row.error, created=row.created, started=row.started,
                   finished=row.finished)


# -- asking --------------------------------------------------------------------------------

def check_publish(service: AdmissionService, actor: Actor, pids: Sequence[str]) -> None:
    """The step's own check of role and states (``AdmissionService.may_publish``)."""
    if not pids:
        raise UsageError("须列出至少一个申请")
    service.may_publish(actor, pids)


def check_lists(actor: Actor, fmt: str) -> None:
    """Every street's and department's lists at once: for the roles that read every
    proposal (a street reads its own lists on its pages)."""
    if fmt not in FILE_FORMATS:
        raise UsageError(f"未知的清单格式 “{fmt}”", hint="可选：" + "、".join(FILE_FORMATS))
    if actor.role.kind not in READS_ALL:
        raise ForbiddenError(f"{actor.role} 不能生成全部街道和部门的清单：只有编办、司法局、"
                             "县委或县政府可以", account=actor.recorded, role=str(actor.role),
                             action="lists",
                             hint="街道和部门可以查看、下载本单位的清单。")


def read_job(store: Store, actor: Actor | None, job_id: int) -> JobView:
    """A job, for an actor who may see it (its own, or any for the roles that read every
    proposal and the one user of a local store); any other is "not found"."""
    with transaction(store, write=False):
        row = repo.find_job(job_id)
        if row is None or not _may_see(actor, row):
            known = [str(r.pk) for r in repo.jobs() if _may_see(actor, r)][:10]
            raise NotFoundError(f"没有编号为 {job_id} 的任务", kind="job", name=str(job_id),
                                known=known, hint="最近的任务：" + "、".join(known) if known
                                else "还没有可以查看的任务。")
        return view(row)


def read_jobs(store: Store, actor: Actor | None) -> list[JobView]:
    """The jobs the actor may see, newest first."""
    with transaction(store, write=False):
        return [view(r) for r in repo.jobs() if _may_see(actor, r)]


def _may_see(actor: Actor | None, row: Any) -> bool:
    return actor is None or actor.local or actor.role.kind in READS_ALL \
        or row.account == actor.account


# -- running -------------------------------------------------------------------------------

def _mark(store: Store, job_id: int, **fields: Any) -> None:
    alias = side_alias(store) if store.target.engine == "postgresql" else store.alias
    with using(alias):
        repo.update_job(job_id, **fields)


def run_job(service: AdmissionService, job_id: int, told: Told | None = None) -> JobView:
    """Run job ``job_id`` to its end (again, after a worker died under it: a publication
    already committed is found, not made twice). A refusal or bad input ends it as failed,
    with the message; anything else is marked and raised, for the queue to record."""
    store = service.store
    with transaction(store, write=False):
        row = repo.find_job(job_id)
    if row is None:
        raise NotFoundError(f"没有编号为 {job_id} 的任务", kind="job", name=str(job_id))
    if row.state not in ("done", "failed"):
        clock = Clock.from_environment()
        _mark(store, job_id, state="running", attempts=row.attempts + 1, started=clock.now,
              error="", stage="开始")
        try:
            actor = _actor(service, row)
            result = BODIES[row.kind](service, actor, clock, row, _progress(store, job_id, told,
                                                                            row.kind))
            fault_point("job-ran")  # the step committed, the job not yet marked done
        except DutyError as exc:
            _mark(store, job_id, state="failed", error=exc.render(),
                  finished=Clock.from_environment().now)
        except BaseException as exc:
            _mark(store, job_id, state="failed", error=f"{type(exc).__name__}: {exc}",
                  finished=Clock.from_environment().now)
            raise
        else:
            _mark(store, job_id, state="done", stage="完成", result=result,
                  finished=Clock.from_environment().now)
    with transaction(store, write=False):
        return view(repo.find_job(job_id))


def _actor(service: AdmissionService, row: Any) -> Actor:
    """The account that asked, in the role it asked in, if it still may act."""
    store = service.store
    if not store.local and not account_usable(store, row.account):
        raise AuthError(f"账号 {row.account} 已停用或不能使用，任务不再执行", account=row.account)
    return Actor(row.account, parse_role(row.role, service.base.county), local=store.local)


def _progress(store: Store, job_id: int, told: Told | None, kind: str) -> Told:
    # a publication's progress inside its transaction: through the second connection, which
    # only PostgreSQL has beside a writer
    live = kind != "publish" or store.target.engine == "postgresql"
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if told is not None:
            told(stage, done, total)
        now = time.monotonic()
        if live and (now - last[0] >= 0.5 or done == total):
            last[0] = now
            _mark(store, job_id, stage=stage, done=done, total=total)

    return progress


def _publish(service: AdmissionService, actor: Actor, clock: Clock, row: Any,
             progress: Told) -> dict[str, Any]:
    pids = list(row.arguments["proposals"])
    out = service.publish(actor, clock, pids, key=row.key, progress=progress)
    return {"version": out.version, "proposals": pids, "notes": out.notes}


def _lists(service: AdmissionService, actor: Actor, clock: Clock, row: Any,
           progress: Told) -> dict[str, Any]:
    from engine.workflow.versions import PublishedVersion, version_source

    store = service.store
    with transaction(store, write=False):
        number = repo.newest_version()
    fmt = str(row.arguments.get("format", "html"))
    progress("读取清单", 0, 1)
    version = PublishedVersion(store, number)  # read a street or department at a time
    shell = version.lists(store)
    files = tree_files(shell, (version.street(store, s) for s in version.streets),
                       (version.department(store, d) for d in version.departments),
                       version.names, fmt, version_source(store, number))
    total = len(version.streets) + len(version.departments) + 1
    name = f"清单-第{number}版-{fmt}.zip"
    folder = job_files(store.target) / str(row.pk)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, (path, data) in enumerate(files, 1):
                info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
                progress("写入文件", n, total)
        os.replace(temp, folder / name)
    finally:
        Path(temp).unlink(missing_ok=True)
    return {"version": number, "file": name, "files": total,
            "bytes": (folder / name).stat().st_size}


BODIES: dict[str, Callable[[AdmissionService, Actor, Clock, Any, Told], dict[str, Any]]] = {
    "publish": _publish, "lists": _lists}


def job_file(store: Store, job: JobView) -> Path | None:
    """The file a finished job left for download (None: it left none)."""
    name = (job.result or {}).get("file")
    if job.state != "done" or not name:
        return None
    path = job_files(store.target) / str(job.id) / str(name)
    return path if path.is_file() else None


