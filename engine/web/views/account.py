"""Log-in, log-out, the password change and the choice of role."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from engine.web.access import SESSION_ROLE, held_roles
from engine.web.middleware import SESSION_MUST_CHANGE
from engine.web.runtime import clock, engine
from engine.workflow.accounts import change_password


class Login(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


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
