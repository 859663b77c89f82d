"""Log-in, log-out, the password change and the choice of role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from engine.web.access import SESSION_ROLE, held_roles
from engine.web.middleware import SESSION_MUST_CHANGE
from engine.web.runtime import clock, engine, service
from engine.workflow.accounts import TEMPORARY_HOURS, change_password, temporary_expired


class LoginForm(AuthenticationForm):
    """Django's log-in form, in the office's words; a temporary password past its time is
    refused with its own reason (the account's administrator resets it again)."""

    error_messages: ClassVar[dict[str, str]] = {
        "invalid_login": "账号或密码不正确。多次失败后该账号在本地址将被暂时锁定。",
        "inactive": "该账号已停用，请联系账号管理员。",
        "temporary_expired": f"临时密码已超过 {TEMPORARY_HOURS} 小时的有效期，不能再登录。"
                             "请联系账号管理员重新重置密码。",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if temporary_expired(service().store, user.get_username(), clock().now):
            raise ValidationError(self.error_messages["temporary_expired"],
                                  code="temporary_expired")


class Login(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


class Logout(auth_views.LogoutView):
    pass  # POST only (Django 5)


class PasswordChange(auth_views.PasswordChangeView):
    """The account's own password; the page every other page leads to while the password is
    a temporary one."""

    template_name = "web/password.html"
    success_url = reverse_lazy("todo")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs),
                "forced": bool(self.request.session.get(SESSION_MUST_CHANGE))}

    def form_valid(self, form: object) -> HttpResponse:
        """The new password through the accounts service, so that the record seals it."""
        username = self.request.user.get_username()
        password = form.cleaned_data["new_password1"]  # type: ignore[attr-defined]
        with engine() as s:
            change_password(s.store, clock(), username, password)
        user = get_user_model().objects.get(username=username)
        update_session_auth_hash(self.request, user)
        self.request.session[SESSION_MUST_CHANGE] = False
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def choose_role(request: HttpRequest) -> HttpResponse:
    held = held_roles(request.user)
    if request.method == "POST":
        role = request.POST.get("role", "")
        if role not in held:
            raise Http404
        request.session[SESSION_ROLE] = role
        return redirect("todo")
    return render(request, "web/role.html", {"held": held})
