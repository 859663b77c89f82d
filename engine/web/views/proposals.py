"""My work, the proposal pages and the steps of the process (each a POST to the service)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from engine.errors import DutyError
from engine.labels import STEPS, label
from engine.models.decision import Decision
from engine.web.access import acting
from engine.web.forms import (
    DecideForm,
    LegalForm,
    OpinionForm,
    ProposalForm,
    PublishForm,
    ReviewForm,
    UpwardForm,
    initial_from,
)
from engine.web.runtime import clock, engine
from engine.web.views.errors import status_of, words
from engine.web.views.street_return import DepartmentOpinionForm
from engine.workdays import working_days_between
from engine.workflow import queries
from engine.workflow.content import content
from engine.workflow.names import Opinion, RoleKind, StateName
from engine.workflow.notes import content_type
from engine.workflow.process import Process
from engine.workflow.queries import Reader
from engine.workflow.roles import Actor
from engine.workflow.service import AdmissionService, review_step
from engine.workflow.views import ProposalSummary, ProposalView

# the process's steps as the web offers them: one page action per group of transitions
STEP_OF = {"start_review": "review", "legal_pass": "legal", "opinion": "opinion",
           "admit": "decide", "reject": "decide", "provisional": "decide",
           "publish": "publish", "withdraw": "withdraw", "submit": "resubmit",
           "department_opinion": "department_opinion",
           "city_approve": "city_review", "city_return": "city_review",
           "province_approve": "province_review", "province_return": "province_review"}
STEP_LABELS = STEPS
WORK = ("review", "legal", "opinion", "decide", "publish", "resubmit",
        "department_opinion", "city_review", "province_review")  # what awaits a role
LEVEL_STEPS = {"city_review": "city", "province_review": "province"}


def steps_for(process: Process, actor: Actor, state: str, applicant: str,
              streets: list[str], unheard: list[str]) -> list[str]:
    """The page actions the actor may take on a proposal in ``state`` (the process file's
    roles and applicant rule; the service checks everything again when the step is taken)."""
    out: list[str] = []
    role = actor.role
    for t in process.transitions.values():
        step = STEP_OF.get(t.action)
        if step is None or state not in t.from_ or role.kind.value not in t.roles:
            continue
        if t.applicant_only and str(role) != applicant:
            continue
        if step == "opinion" and role.id not in streets:
            continue  # a target street answers, and may change its answer while it is open
        if step == "department_opinion" and not applicant.startswith("street:"):
            continue  # only a street's request is answered by its department
        if step not in out:
            out.append(step)
    return out


def _visible(s: AdmissionService, actor: Actor) -> list[tuple[ProposalSummary, list[str]]]:
    reader = Reader(s, actor)
    targets = reader.targets()
    return [(p, targets[p.id]) for p in reader.proposals()]


def _view(s: AdmissionService, actor: Actor, pid: str) -> ProposalView:
    """The proposal if the actor may read it; otherwise "not found", as for a wrong id."""
    try:
        return Reader(s, actor).show(pid)
    except DutyError:
        raise Http404 from None


def _days_left(due: str | None, today: date) -> int | None:
    if due is None:
        return None
    day = date.fromisoformat(due)
    return working_days_between(today, day) if day >= today else \
        -working_days_between(day, today)


def in_flight(s: AdmissionService, actor: Actor) -> list[dict[str, Any]]:
    """The proposals in flight the actor may see, each with the steps awaiting its role."""
    today = clock().now.date()
    process = s.process
    rows = []
    street = actor.role.id if actor.role.kind is RoleKind.street else None
    spoken = queries.heard(s.store, street) if street else set()
    for p, streets in _visible(s, actor):
        if process.states[p.state].final:
            continue
        steps = [x for x in steps_for(process, actor, p.state, p.applicant, streets, [])
                 if x in WORK and not (x == "opinion" and p.id in spoken)]
        rows.append({"p": p, "state": process.label(p.state),
                     "steps": [STEP_LABELS[x] for x in steps], "days": _days_left(p.due, today)})
    return rows


def waiting(request: HttpRequest) -> int:
    """How many proposals await a step of the role acting (the header's 待办 count; the
    to-do page's own reckoning when it made one)."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None or actor.role.kind is RoleKind.admin:
        return 0
    flight = getattr(request, "duty_in_flight", None)
    if flight is None:
        with engine() as s:
            flight = in_flight(s, actor)
    return sum(1 for row in flight if row["steps"])


def waiting_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the header's 待办 count, worked out only if a page shows it."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"duty_waiting": SimpleLazyObject(lambda: waiting(request))}


@acting
def todo(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if actor.role.kind is RoleKind.admin:
        return render(request, "web/todo_admin.html")
    with engine() as s:
        flight = in_flight(s, actor)
    request.duty_in_flight = flight  # type: ignore[attr-defined]  # the header's count too
    mine = [row for row in flight if row["steps"]]
    mine.sort(key=lambda r: (r["days"] is None, r["days"] or 0, r["p"].id))
    by_state: dict[str, list[dict[str, Any]]] = {}
    if actor.role.kind is RoleKind.office:
        for row in sorted(flight, key=lambda r: r["p"].id):
            by_state.setdefault(row["state"], []).append(row)
    publishable = sum(1 for row in flight if row["p"].state == StateName.admitted) \
        if actor.role.kind is RoleKind.office else 0
    return render(request, "web/todo.html", {"mine": mine, "by_state": by_state,
                                             "publishable": publishable})


@acting
def proposal_list(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        rows = [{"p": p, "state": s.process.label(p.state)} for p, _ in _visible(s, actor)]
    return render(request, "web/proposals.html", {"rows": rows})


def _may_propose(actor: Actor) -> None:
    if actor.role.kind not in (RoleKind.department, RoleKind.street):
        raise Http404


@acting
@require_http_methods(["GET", "POST"])
def new_proposal(request: HttpRequest) -> HttpResponse:
    """The form (or an upload); ``preview`` shows, without storing anything, the evaluation
    the office will see at review (the service's own, on the latest published lists: what
    ``duty evaluate`` gives once the legal review, the streets and the meeting agree);
    ``submit`` and ``draft`` store."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    _may_propose(actor)
    dept = actor.role.id if actor.role.kind is RoleKind.department else None
    with engine() as s:
        ws, version = s.published()
        again = _resubmitted(s, actor, request.GET.get("from")) if request.method == "GET" \
            else None
        form = ProposalForm(request.POST or None, request.FILES or None, ws=ws,
                            department=dept, initial=again)
        context: dict[str, Any] = {"form": form, "version": version, "names": ws.names,
                                   "again": again}
        if request.method == "GET" or not form.is_valid():
            status = 400 if request.method == "POST" else 200
            template = "web/_preview.html" if request.htmx and request.method == "POST" \
                else "web/new.html"
            return render(request, template, context, status=status)
        assert form.source is not None
        what = request.POST.get("do", "preview")
        if what == "preview":
            try:
                context["decision"], _ = s.preview(form.source)
            except DutyError as exc:
                context["error"] = words(exc)
            template = "web/_preview.html" if request.htmx else "web/new.html"
            return render(request, template, context)
        try:
            outcome = s.submit(actor, clock(), form.source, draft=what == "draft")
        except DutyError as exc:
            context["error"] = words(exc)
            return render(request, "web/new.html", context, status=status_of(exc))
    for note in outcome.notes:
        messages.info(request, note)
    messages.success(request, f"申请 {outcome.proposal} 已" +
                     ("保存为草稿。" if what == "draft" else "提交。"))
    return redirect("proposal", pid=outcome.proposal)


def _resubmitted(s: AdmissionService, actor: Actor, pid: str | None) -> dict[str, Any] | None:
    """The form filled with what the applicant last submitted, to revise and submit again
    (only the applicant's own proposals; any other: not found)."""
    if not pid:
        return None
    view = _view(s, actor, pid)
    document = queries.submitted(s.store, pid)
    if view.applicant != str(actor.role) or document is None:
        raise Http404
    return initial_from(document)


# the roles that review a proposal before it is decided, and see the evaluation to come
REVIEWERS = (RoleKind.office, RoleKind.justice, RoleKind.county)


def _page(request: HttpRequest, s: AdmissionService, actor: Actor, pid: str,
          error: str | None = None, status: int = 200,
          bound: dict[str, Any] | None = None) -> HttpResponse:
    """The proposal's page; ``bound``: a step's form as it was sent back, with its errors."""
    view = _view(s, actor, pid)
    history = Reader(s, actor).history(pid)
    process = s.process
    names = s.base.names
    steps = steps_for(process, actor, view.state, view.applicant, view.streets, view.unheard)
    timeline = [{"e": e, "what": process.transitions[e.action].label
                 if e.action in process.transitions else label(e.action),
                 "to": process.label(e.to) if e.to in process.states else ""}
                for e in history]
    decisions = [{"d": d, "decision": Decision.model_validate(d.decision)}
                 for d in view.decisions]
    street = actor.role.id if actor.role.kind is RoleKind.street else None
    document = queries.submitted(s.store, pid) or {}
    assessment, assessment_error = None, None
    if actor.role.kind in REVIEWERS and view.state == StateName.submitted:
        try:  # what the review will find, so that the office decides informed
            assessment = Reader(s, actor).assess(pid)
        except DutyError as exc:
            assessment_error = words(exc)
    spoken = view.opinions.get(street) if street else None
    opinion_form = OpinionForm(initial={
        "street": street, **({"opinion": spoken.opinion, "note": spoken.note or ""}
                             if spoken else {})})
    forms = {"legal_form": LegalForm(), "review_form": ReviewForm(),
             "decide_form": DecideForm(), "opinion_form": opinion_form,
             "department_opinion_form": DepartmentOpinionForm(),
             "upward_form": UpwardForm(), **(bound or {})}
    return render(request, "web/proposal.html", {
        "content": content(document, s.base.names), "assessment": assessment,
        "assessment_error": assessment_error, "spoken": spoken,
        "assessment_next": process.transitions[review_step(assessment).value].label
        if assessment else None,
        "notes": [(n, process.transitions[n.action].label if n.action in process.transitions
                   else label(n.action)) for n in view.notes],
        "earlier": [(sid, names.get(sid, sid), o) for sid, items in
                    view.earlier_opinions.items() for o in items],
        "view": view, "timeline": timeline, "decisions": decisions, "steps": steps,
        "step_labels": STEP_LABELS, "error": error, "names": names,
        "opinions": [(sid, names.get(sid, sid), view.opinions.get(sid)) for sid in view.streets],
        "street": street, "reasons": [label(r) for r in view.reasons], **forms,
    }, status=status)


@acting
def proposal(request: HttpRequest, pid: str) -> HttpResponse:
    with engine() as s:
        return _page(request, s, request.actor, pid)  # type: ignore[attr-defined]


@acting
@require_POST
def act(request: HttpRequest, pid: str, step: str) -> HttpResponse:
    """One step of the process through the service; a refusal is shown on the proposal page
    as the service words it, with its HTTP status, and nothing changes."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        _view(s, actor, pid)  # not visible: not found, whatever the step
        now = clock()
        try:
            if step == "review":
                review = ReviewForm(request.POST, request.FILES)
                if not review.is_valid():
                    return _page(request, s, actor, pid, "审核意见或附件有误，请按提示改正。",
                                 400, {"review_form": review})
                outcome = s.review(actor, now, pid, review.note)
            elif step == "legal":
                legal = LegalForm(request.POST, request.FILES)
                if not legal.is_valid():
                    return _page(request, s, actor, pid, "合法性审查意见有误，请按提示改正。",
                                 400, {"legal_form": legal})
                outcome = s.legal(actor, now, pid, legal.cleaned_data["result"] == "passed",
                                  legal.note)
            elif step == "opinion":
                form = OpinionForm(request.POST)
                if not form.is_valid():
                    return _page(request, s, actor, pid, "请选择意见。", 400)
                data = form.cleaned_data
                outcome = s.hear(actor, now, pid, data["street"], Opinion(data["opinion"]),
                                 data["note"] or None)
            elif step == "department_opinion":
                form = DepartmentOpinionForm(request.POST)
                if not form.is_valid():
                    return _page(request, s, actor, pid, "请选择意见。", 400)
                outcome = s.department_opinion(actor, now, pid,
                                               Opinion(form.cleaned_data["opinion"]),
                                               form.cleaned_data["note"] or None)
            elif step == "decide":
                form = DecideForm(request.POST)
                if not form.is_valid():
                    return _page(request, s, actor, pid, "请选择审定结果。", 400)
                outcome = s.decide(actor, now, pid, form.meeting(),
                                   form.cleaned_data["outcome"])
            elif step in LEVEL_STEPS:
                level = LEVEL_STEPS[step]
                upward = UpwardForm(request.POST, request.FILES, level=level)
                if not upward.is_valid():
                    return _page(request, s, actor, pid, "审核意见或附件有误，请按提示改正。",
                                 400, {"upward_form": upward})
                outcome = s.review_up(actor, now, pid, level,
                                      upward.cleaned_data["result"] == "approve", upward.note)
            elif step == "publish":
                outcome = s.publish(actor, now, [pid])
            elif step == "withdraw":
                outcome = s.withdraw(actor, now, pid)
            else:
                raise Http404
        except DutyError as exc:
            return _page(request, s, actor, pid, words(exc), status_of(exc))
    done = "、".join(s.process.transitions[x.action].label for x in outcome.steps)
    messages.success(request, f"已完成：{done}。" + (
        f"清单第 {outcome.version} 版已公布。" if outcome.version is not None else ""))
    for note in outcome.notes:
        messages.warning(request, note)
    return redirect("proposal", pid=pid)


@acting
def attachment(request: HttpRequest, pid: str, seq: int) -> HttpResponse:
    """An attachment of a reviewer's note, for whoever may read the proposal (a download,
    never shown inline)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        _view(s, actor, pid)
        try:
            view, data = Reader(s, actor).attachment(pid, seq)
        except DutyError:
            raise Http404 from None
    response = HttpResponse(data, content_type=content_type(view.kind))
    response["Content-Disposition"] = content_disposition_header(True, view.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@acting
@require_http_methods(["GET", "POST"])
def publish_several(request: HttpRequest) -> HttpResponse:
    """The office publishes several admitted proposals as one version of the lists: all of
    them, or (a refusal of any) none."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if actor.role.kind is not RoleKind.office:
        raise Http404
    with engine() as s:
        admitted = Reader(s, actor).proposals(StateName.admitted.value)
        form = PublishForm(request.POST or None,
                           admitted=[(p.id, f"{p.id} {p.title}") for p in admitted])
        context: dict[str, Any] = {"form": form, "admitted": admitted}
        if request.method == "GET" or not form.is_valid():
            return render(request, "web/publish.html", context,
                          status=400 if request.method == "POST" else 200)
        chosen = [p.id for p in admitted if p.id in form.cleaned_data["proposals"]]
        try:
            if request.POST.get("background"):  # a job: its page shows how far it has come
                from engine.jobs.queue import submit_publish

                asked = submit_publish(s, actor, clock(), chosen)
                return redirect("job", job=asked.id)
            outcome = s.publish(actor, clock(), chosen)
        except DutyError as exc:
            context["error"] = words(exc)
            return render(request, "web/publish.html", context, status=status_of(exc))
    messages.success(request, f"已公布清单第 {outcome.version} 版，包含申请 "
                              + "、".join(chosen) + "。")
    return redirect("lists")
