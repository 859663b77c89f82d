"""Background jobs on the web: asking for one (a publication, every list as one zip file),
its page, polled with htmx while it runs, and the file it leaves for download."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engine.errors import DutyError, NotFoundError
from engine.jobs.queue import submit_lists
from engine.jobs.work import FILE_FORMATS, job_file, read_job, read_jobs
from engine.web.access import acting
from engine.web.runtime import clock, engine
from engine.web.views.errors import words
from engine.workflow.roles import Actor

POLL_S = 2  # how often a running job's page asks again


@acting
def job_list(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        jobs = read_jobs(s.store, actor)
    return render(request, "web/jobs.html", {"jobs": jobs})


@acting
def job_page(request: HttpRequest, job: int) -> HttpResponse:
    """The job as it stands; while it runs, the page asks again every few seconds (htmx
    swaps in the job's part alone)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        try:
            shown = read_job(s.store, actor, job)
        except NotFoundError:
            raise Http404 from None
        has_file = job_file(s.store, shown) is not None
    template = "web/_job.html" if request.htmx else "web/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": shown, "has_file": has_file, "poll": POLL_S})


@acting
def job_download(request: HttpRequest, job: int) -> FileResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        try:
            path = job_file(s.store, read_job(s.store, actor, job))
        except NotFoundError:
            raise Http404 from None
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type="application/zip")


@acting
@require_POST
def ask_lists(request: HttpRequest) -> HttpResponse:
    """Every street's and department's lists of the newest version, as a job."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    fmt = request.POST.get("files", "html")
    if fmt not in FILE_FORMATS:
        fmt = "html"
    with engine() as s:
        try:
            asked = submit_lists(s, actor, clock(), fmt)
        except DutyError as exc:
            messages.error(request, words(exc))
            return redirect("lists")
    return redirect("job", job=asked.id)
