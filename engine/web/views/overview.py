"""The county overview (workload against staff, funds owed, list counts, as SVG charts), the
staffing report per street with its chart, and the audit page of the office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from engine.labels import SYSTEM_ACTIONS
from engine.render import staffing_out
from engine.render.staffing_svg import render_chart
from engine.staffing.report import StaffingReport, staffing_report
from engine.store.verify import verify_store
from engine.web.access import acting, need_kind
from engine.web.charts import bars
from engine.web.forms import AuditForm
from engine.web.runtime import engine
from engine.workflow import queries
from engine.workflow.names import RoleKind
from engine.workflow.process import Process
from engine.workflow.roles import Actor
from engine.workflow.service import AdmissionService
from engine.workflow.stores import store_info
from engine.workflow.versions import version_totals

CHARTED_STREETS = 500  # a bar per street: more would not be read, nor fit in memory at scale


@acting
def overview(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, RoleKind.office, RoleKind.justice,  # type: ignore[attr-defined]
              RoleKind.county)
    with engine() as s:
        versions = queries.versions(s.store)
        number = versions[0].number if versions else 0
        version = queries.published_version(s.store, number)
        if len(version.streets) > CHARTED_STREETS:  # the totals alone, from the version
            totals = version_totals(s.store, number)
            return render(request, "web/overview.html", {
                "number": number, "charts": [], "streets": len(version.streets),
                "limit": CHARTED_STREETS, "workload": totals.workload_days,
                "funding": sum(totals.funding.values())})
        lists, names = queries.published_lists(s.store, number)
        staff = {sid: st.staffing.actual for sid, st in s.base.county.streets.items()}
    per_staff, counts, funds = [], [], []
    departments = [d for d in lists.departments if d.funding_total]
    for st in lists.streets:
        carried = sum(r.workload_days for r in (*st.basic, *st.cooperative))
        people = staff.get(st.street, 0)
        per_staff.append((st.name, [carried / people if people else 0.0]))
        counts.append((st.name, [float(len(st.basic)), float(len(st.cooperative)),
                                 float(len(st.recalled))]))
        funds.append((st.name, [float(d.funding_owed.get(st.street, 0)) for d in departments]))
    charts = [
        bars("人均承担工作量（基本履职与配合履职事项，人日/人·年）", per_staff, ["工作量"], ""),
        bars("各部门应拨付街道的经费（元/年）", funds,
             [names.get(d.department, d.department) for d in departments] or ["经费"], "元"),
        bars("各清单事项数", counts, ["基本履职", "配合履职", "上级部门收回"], "项"),
    ]
    return render(request, "web/overview.html", {
        "number": number, "charts": [mark_safe(c) for c in charts]})


@acting
def audit(request: HttpRequest) -> HttpResponse:
    """The audit entries, paged and filtered; the chain checked on request, against an anchor
    the user pastes in as well as the checkpoint file. No path of the server is shown."""
    need_kind(request.actor, RoleKind.office)  # type: ignore[attr-defined]
    with engine() as s:
        process = s.process
        actions = [(a, _action_label(process, a)) for a in queries.audit_actions(s.store)]
        form = AuditForm(request.GET or None, actions=actions)
        valid = form.is_valid() if request.GET else True
        data = form.cleaned_data if request.GET and valid else {}
        rows, total, page, pages = queries.audit_entries(
            s.store, action=data.get("action") or "", proposal=data.get("proposal") or "",
            account=data.get("account") or "", page=data.get("page") or 1)
        report = None
        if request.GET.get("verify") and valid:
            anchor = data.get("anchor")
            report = verify_store(s.store, [anchor] if anchor else None)
        info = store_info(s.store)
        engine_kind = "PostgreSQL" if s.store.target.engine == "postgresql" else "SQLite"
        versions = queries.versions(s.store)
        checkpoints = queries.checkpoints(s.store)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    return render(request, "web/audit.html", {
        "info": info, "engine_kind": engine_kind, "report": report, "versions": versions,
        "checkpoints": [str(c) for c in checkpoints], "form": form,
        "rows": [{"e": r, "what": _action_label(process, r.action),
                  "before": process.label(r.before) if r.before in process.states else "",
                  "after": process.label(r.after) if r.after in process.states else ""}
                 for r in rows],
        "total": total, "page": page, "pages": pages, "query": query.urlencode()},
        status=200 if valid else 400)


def _action_label(process: Process, action: str) -> str:
    if action in process.transitions:
        return process.transitions[action].label
    return SYSTEM_ACTIONS.get(action, action)


_REPORTS: dict[tuple[str, int, str], StaffingReport] = {}


def _staffing(s: AdmissionService) -> StaffingReport:
    """The staffing report on the newest published lists; kept while the version and the
    county data stay the same (it builds every street's lists)."""
    ws, number = s.published()
    key = (s.store.alias, number, s.revision)
    if key not in _REPORTS:
        _REPORTS.clear()
        _REPORTS[key] = staffing_report(ws)
    return _REPORTS[key]


@acting
def staffing(request: HttpRequest) -> HttpResponse:
    """The staffing and burden report, street by street, with its chart: the county's roles
    see every street, a street its own."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    need_kind(actor, RoleKind.office, RoleKind.justice, RoleKind.county, RoleKind.street)
    with engine() as s:
        report = _staffing(s)
    streets = report.streets
    if actor.role.kind is RoleKind.street:
        streets = [x for x in streets if x.street == actor.role.id]
    chosen = request.GET.get("street") or ""
    if chosen:
        streets = [x for x in streets if x.street == chosen]
        if not streets:
            raise Http404
    shown = report.model_copy(update={"streets": streets})
    head = staffing_out._head(shown)
    return render(request, "web/staffing.html", {
        "title": head[0], "basis": head[1], "chart": mark_safe(render_chart(shown)),
        "choices": [(x.street, x.name) for x in report.streets]
        if actor.role.kind is not RoleKind.street else [],
        "chosen": chosen,
        "streets": [{"s": x, "profile": staffing_out._profile(x),
                     "bodies": staffing_out._bodies(x), "staff": staffing_out._staff(x),
                     "load": staffing_out._load(x), "posts": staffing_out._post_rows(x),
                     "over": x.capacity_days is not None and x.load_days > x.capacity_days}
                    for x in streets]})
