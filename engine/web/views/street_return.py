"""A street asks to hand an item of its lists back (交回): the form, and the department
concerned answering it. Both go through the one service, as ``duty proposal return`` and
``duty proposal department-opinion`` do; the service checks the roles again."""

from __future__ import annotations

from typing import Any, get_args

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from engine.errors import DutyError
from engine.vocab import ReturnReason, label
from engine.web.access import acting, need_kind
from engine.web.runtime import clock, engine
from engine.web.views.errors import status_of, words
from engine.workflow.names import Opinion, RoleKind
from engine.workflow.roles import Actor
from engine.workflow.street_request import street_return

REASONS = {r: label(r) for r in get_args(ReturnReason)}


class ReturnForm(forms.Form):
    # the street asking: the account's own street; the service refuses any other
    street = forms.CharField(widget=forms.HiddenInput)
    item = forms.ChoiceField(label="交回的事项")
    reasons = forms.MultipleChoiceField(label="理由", choices=list(REASONS.items()),
                                        widget=forms.CheckboxSelectMultiple, required=False,
                                        help_text="未写理由的申请将被退回补正。")
    note = forms.CharField(label="说明", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class DepartmentOpinionForm(forms.Form):
    opinion = forms.ChoiceField(label="部门意见", choices=[(o.value, label(o.value))
                                                           for o in Opinion],
                                widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


@acting
@require_http_methods(["GET", "POST"])
def street_return_page(request: HttpRequest) -> HttpResponse:
    """GET: the form, with the items of the street's published lists; POST: the request is
    submitted (the department concerned is heard next)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    need_kind(actor, RoleKind.street)
    street = actor.role.id
    assert street is not None
    with engine() as s:
        ws, version = s.published()
        county = ws.county
        items = [(i.id, f"{i.id} {i.name}（{ws.names.get(i.department, i.department)}）")
                 for i in county.items.values() if street in county.listed_on(i)]
        form = ReturnForm(request.POST or None, items=items, initial={"street": street})
        context: dict[str, Any] = {"form": form, "version": version,
                                   "street": county.streets[street].name}
        if request.method == "GET" or not form.is_valid():
            return render(request, "web/street_return.html", context,
                          status=400 if request.method == "POST" else 200)
        data = form.cleaned_data
        try:
            source = street_return(ws, data["street"], data["item"], data["reasons"],
                                   data["note"])
            outcome = s.submit(actor, clock(), source)
        except DutyError as exc:
            context["error"] = words(exc)
            return render(request, "web/street_return.html", context, status=status_of(exc))
    messages.success(request, f"交回申请 {outcome.proposal} 已提交，待事项所属部门反馈意见。")
    return redirect("proposal", pid=outcome.proposal)
