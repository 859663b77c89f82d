"""The county overview (workload against staff, funds owed, list counts, as SVG charts) and
the audit page of the office."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from engine.store.verify import verify_store
from engine.web import reading
from engine.web.access import acting, need_kind
from engine.web.charts import bars
from engine.web.runtime import engine
from engine.workflow.names import RoleKind
from engine.workflow.stores import store_info


@acting
def overview(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, RoleKind.office, RoleKind.justice,  # type: ignore[attr-defined]
              RoleKind.county)
    with engine() as s:
        versions = reading.versions(s.store)
        number = versions[0].number if versions else 0
        lists, names = reading.published_lists(s.store, number)
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
    need_kind(request.actor, RoleKind.office)  # type: ignore[attr-defined]
    with engine() as s:
        info = store_info(s.store)
        report = verify_store(s.store) if request.GET.get("verify") else None
        versions = reading.versions(s.store)
        checkpoints = reading.checkpoints(s.store)
    return render(request, "web/audit.html", {
        "info": info, "report": report, "versions": versions,
        "checkpoints": [str(c) for c in checkpoints]})
