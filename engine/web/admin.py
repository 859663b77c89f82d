"""User administration through Django's admin, in Chinese, for accounts holding ``admin``
(the account pages, ``engine.web.views.accounts``, are the everyday ones).

Accounts and role bindings are changed only through the accounts module, so that every change
is an entry of the audit chain: the admin lists accounts, adds one (with its roles and
password) and disables the ones selected.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from engine.errors import DutyError
from engine.web.access import held_roles
from engine.web.runtime import clock, engine
from engine.workflow.accounts import add_user, disable_user
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor, Role


class DutyAdminSite(AdminSite):
    site_header = "街道职责准入 · 账号管理"
    site_title = "账号管理"
    index_title = "账号与角色"
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return RoleKind.admin.value in held_roles(request.user)


site = DutyAdminSite(name="duty_admin")


def _admin_actor(request: HttpRequest) -> Actor:
    return Actor(request.user.get_username(), Role(RoleKind.admin))


class NewAccount(forms.Form):
    username = forms.RegexField(label="账号名", regex=r"^[A-Za-z0-9_.@+-]{1,150}$",
                                error_messages={"invalid": "只能使用英文字母、数字和 _ . @ + -"})
    password = forms.CharField(label="初始密码", min_length=10, widget=forms.PasswordInput)
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = choices


class AccountAdmin(admin.ModelAdmin):
    list_display = ("username", "first_name", "is_active", "roles", "last_login")
    fields = ("username", "first_name", "is_active", "last_login")  # never the password hash
    search_fields = ("username",)
    actions = ("disable",)
    change_list_template = "admin/duty_accounts.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="角色")
    def roles(self, obj: Any) -> str:
        return "、".join(held_roles(obj)) or "—"

    @admin.action(description="停用所选账号（同时撤销其令牌）")
    def disable(self, request: HttpRequest, queryset: Any) -> None:
        with engine() as s:
            for user in queryset:
                try:
                    disable_user(s.store, _admin_actor(request), clock(), user.username)
                except DutyError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, f"账号 {user.username} 已停用。")

    def get_urls(self) -> list[URLPattern]:
        return [path("add-account/", self.admin_site.admin_view(self.add_account),
                     name="duty_add_account"), *super().get_urls()]

    def add_account(self, request: HttpRequest) -> HttpResponse:
        with engine() as s:
            county = s.base.county
            choices = [(k.value, k.value) for k in (RoleKind.office, RoleKind.justice,
                                                    RoleKind.county, RoleKind.admin)]
            choices += [(f"department:{d}", f"department:{d} {s.base.names.get(d, d)}")
                        for d in county.departments]
            choices += [(f"street:{x}", f"street:{x} {s.base.names.get(x, x)}")
                        for x in county.streets]
            form = NewAccount(request.POST or None, choices=choices)
            if request.method == "POST" and form.is_valid():
                data = form.cleaned_data
                try:
                    add_user(s.store, county, _admin_actor(request), clock(), data["username"],
                             data["roles"], data["password"])
                except DutyError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"账号 {data['username']} 已添加。")
                    return redirect("duty_admin:auth_user_changelist")
        return render(request, "admin/duty_add_account.html", {
            **self.admin_site.each_context(request), "form": form, "title": "添加账号"})


site.register(get_user_model(), AccountAdmin)
