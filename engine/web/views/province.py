"""The province's comparison of the counties in this county's store: each county's basic
share with its outliers (an SVG chart) and the check against the reference catalogue of
recalled items, read from every county's newest published lists, as ``duty province compare
--store`` and ``duty province check --store`` read them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from engine.province.counties import stored_province
from engine.province.reference import load_reference
from engine.province.views import check, compare
from engine.render.province_svg import render_compare_chart
from engine.web.access import acting, need_kind
from engine.web.runtime import engine
from engine.workflow.names import RoleKind


@acting
def province(request: HttpRequest) -> HttpResponse:
    """The county's own office and leaders, and the city and province above it."""
    need_kind(request.actor, RoleKind.office, RoleKind.county,  # type: ignore[attr-defined]
              RoleKind.city, RoleKind.province)
    with engine() as s:
        target = s.store.target
        own = target.county
    if target.engine != "postgresql" or own is None:
        return render(request, "web/province.html", {"single": True})
    counties = stored_province(target)
    compared = compare(counties)
    catalogue, shown = load_reference()
    checked = check(counties, catalogue, shown)
    return render(request, "web/province.html", {
        "own": own, "compared": compared, "checked": checked,
        "chart": mark_safe(render_compare_chart(compared))})
