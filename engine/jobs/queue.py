"""The queue: Procrastinate on the store's PostgreSQL database; inline on SQLite.

Asking for a job checks the account as the step itself would, then writes the job's row and,
on PostgreSQL, queues its number in the same transaction (nothing is queued when the check
refuses). ``work`` runs a worker: it takes the store from its own environment, and puts back
in the queue every job whose worker stopped sending its heartbeat (killed, say), so the job
runs again; a publication committed before the worker died is not made twice
(``AdmissionService.publish``'s key).
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from procrastinate import App, Blueprint, PsycopgConnector
from procrastinate.contrib.django.django_connector import DjangoConnector

from engine.api import workflow
from engine.errors import StoreError
from engine.jobs.place import JobArgs, check_county, county_of, locate, worker_target
from engine.jobs.work import Told, check_lists, check_publish, read_job, run_job
from engine.store.session import close, open_store, read_alias, transaction
from engine.workflow import repository as repo
from engine.workflow.roles import Actor, Clock
from engine.workflow.service import AdmissionService
from engine.workflow.views import JobView

QUEUE = "duty"
TASK = "duty.run_job"
STALLED_AFTER_S = 30.0  # a worker silent this long is taken for dead

tasks = Blueprint()


@tasks.task(name=TASK, queue=QUEUE)
def _run(job: int, county: str) -> None:
    """The worker's side: the job's store and county from the worker's environment."""
    args = JobArgs(job=job, county=county)
    target, county_dir = locate(args)
    with workflow(county_dir, target) as service:
        check_county(service.store, args)
        run_job(service, args.job)


def _app(connector: Any) -> App:
    app = App(connector=connector)
    app.add_tasks_from(tasks, namespace="")
    return app


def submit_publish(service: AdmissionService, actor: Actor, clock: Clock,
                   pids: Sequence[str], told: Told | None = None) -> JobView:
    """Ask for the proposals to be published as one version, in the background."""
    check_publish(service, actor, pids)
    return _submit(service, actor, clock, "publish", {"proposals": list(pids)}, told)


def submit_lists(service: AdmissionService, actor: Actor, clock: Clock, fmt: str = "html",
                 told: Told | None = None) -> JobView:
    """Ask for every street's and department's lists of the newest version, as one zip file
    for download."""
    check_lists(actor, fmt)
    return _submit(service, actor, clock, "lists", {"format": fmt}, told)


def _submit(service: AdmissionService, actor: Actor, clock: Clock, kind: str,
            arguments: dict[str, Any], told: Told | None) -> JobView:
    store = service.store
    queued = store.target.engine == "postgresql"
    with transaction(store, write=False):
        row = repo.add_job(kind=kind, county=county_of(store), account=actor.account,
                           role=str(actor.role), arguments=arguments, key=uuid.uuid4().hex,
                           created=clock.now)
        if queued:  # in the same transaction: a job's row and its place in the queue
            app = _app(DjangoConnector(alias=read_alias(store)))
            with app.open():
                app.tasks[TASK].defer(job=int(row.pk), county=county_of(store))
    if queued:
        return read_job(store, actor, int(row.pk))
    return run_job(service, int(row.pk), told)


# -- the worker ------------------------------------------------------------------------------

def work(*, stalled_after: float = STALLED_AFTER_S, burst: bool = False) -> None:
    """Run jobs until stopped (``burst``: until the queue is empty). Jobs of a worker silent
    for ``stalled_after`` seconds are queued again."""
    target = worker_target()
    store = open_store(target)  # refuses a store that is missing, uninitialised or behind
    close(store)
    app = _app(PsycopgConnector(conninfo=target.url))

    async def main() -> None:
        async with app.open_async():
            watcher = asyncio.create_task(_watch(app, stalled_after))
            try:
                await app.run_worker_async(
                    queues=[QUEUE], concurrency=1, wait=not burst,
                    update_heartbeat_interval=max(stalled_after / 4, 0.5),
                    stalled_worker_timeout=stalled_after)
            finally:
                watcher.cancel()

    try:
        asyncio.run(main())
    except OSError as exc:
        raise StoreError(f"无法连接任务队列：{exc}", store=target.shown, reason="connect",
                         hint="检查 DUTY_DATABASE_URL 与数据库服务是否可用。") from None


async def _watch(app: App, stalled_after: float) -> None:
    """Queue again the jobs of workers that stopped sending their heartbeat."""
    while True:
        for job in await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=stalled_after):
            print(f"任务队列第 {job.id} 项的进程已停止，重新排队", file=sys.stderr, flush=True)
            await app.job_manager.retry_job(job)
        await asyncio.sleep(max(stalled_after / 4, 0.5))
