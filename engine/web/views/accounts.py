"""The account pages: the list (the administrator's, and the 编办's to read), a new account,
accounts from a CSV file, more roles, and disabling, enabling, unlocking and resetting the
password of one. Every change is the engine's (``engine.workflow.accounts``,
``engine.workflow.account_import``), which refuses anyone but an administrator and records the
change in the audit chain; these views parse, call and render."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from engine.errors import ConflictError, DataError, DataErrors, DutyError, PasswordError
from engine.labels import role_words
from engine.web.access import acting, need_kind
from engine.web.account_forms import AccountForm, GrantForm, ImportForm
from engine.web.runtime import clock, engine
from engine.web.views.errors import status_of, words
from engine.workflow import lockouts
from engine.workflow.account_import import COLUMNS, import_accounts
from engine.workflow.accounts import (
    add_user,
    create_accounts,
    disable_user,
    enable_user,
    grant_roles,
    list_users,
    reset_password,
)
from engine.workflow.names import RoleKind
from engine.workflow.views import AccountView

READERS = (RoleKind.admin, RoleKind.office)  # who may open the list


def _shown(role: str, names: dict[str, str]) -> str:
    kind = role.partition(":")[0]
    what = {"department": "职能部门", "street": "街道"}.get(kind)
    return f"{role_words(role, names)}（{what}）" if what else role_words(role, names)


def _rows(s: Any) -> list[dict[str, Any]]:
    """The accounts as the page shows them: roles by name, lock-outs by account."""
    locked: dict[str, list[lockouts.Lockout]] = defaultdict(list)
    for lock in lockouts.current(s.store, clock().now):
        locked[lock.username].append(lock)
    names = s.base.names
    return [{"view": v, "roles": [_shown(r, names) for r in v.roles],
             "locked": locked.get(v.username, [])} for v in list_users(s.store)]


def _list(request: HttpRequest, error: str | None = None, status: int = 200) -> HttpResponse:
    with engine() as s:
        rows = _rows(s)
    return render(request, "web/accounts.html", {
        "rows": rows, "error": error, "manage": request.actor.role.kind is RoleKind.admin,  # type: ignore[attr-defined]
        "admins": sum(1 for r in rows if r["view"].active and "admin" in r["view"].roles)},
        status=status)


@acting
def account_list(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, *READERS)  # type: ignore[attr-defined]
    return _list(request)


@acting
@require_http_methods(["GET", "POST"])
def new_account(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    with engine() as s:
        form = AccountForm(request.POST or None, ws=s.base)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            password = data["password"] or None
            actor = request.actor  # type: ignore[attr-defined]
            issued = None
            try:
                if password is None:  # the system's temporary password, shown once
                    issued = create_accounts(s.store, s.base.county, actor, clock(), [
                        (data["username"], data["name"], data["roles"])], imported=False)[0]
                else:
                    add_user(s.store, s.base.county, actor, clock(), data["username"],
                             data["roles"], password, name=data["name"], temporary=True)
            except PasswordError as exc:
                for reason in exc.reasons:
                    form.add_error("password", reason)
            except ConflictError as exc:
                form.add_error("username", words(exc))
            except DutyError as exc:
                form.add_error(None, words(exc))
            else:
                if issued is None:
                    messages.success(request, f"账号 {data['username']} 已添加；"
                                              "首次登录后须修改密码。")
                    return redirect("accounts")
                return _shown_once(request, [issued], "账号已添加")
    return render(request, "web/account_new.html", {"form": form},
                  status=400 if form.errors else 200)


def _shown_once(request: HttpRequest, issued: list[Any], title: str) -> HttpResponse:
    """Temporary passwords, on this page only (never stored, never cached)."""
    response = render(request, "web/account_passwords.html", {"issued": issued,
                                                                "title": title})
    response["Cache-Control"] = "no-store"
    return response


@acting
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[DataError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        with engine() as s:
            try:
                issued = import_accounts(s.store, s.base.county, request.actor, clock(),  # type: ignore[attr-defined]
                                         data, upload.name or "accounts.csv")
            except DataErrors as exc:
                problems = exc.errors
                form.add_error("file", f"文件有 {len(exc.errors) + exc.omitted} 处错误，"
                                       "没有导入任何账号；改正后重新上传。")
            except DataError as exc:
                form.add_error("file", words(exc))
            except DutyError as exc:
                form.add_error(None, words(exc))
            else:
                return _shown_once(request, issued, f"已导入 {len(issued)} 个账号")
    return render(request, "web/account_import.html", {
        "form": form, "problems": problems, "columns": COLUMNS},
        status=400 if form.errors else 200)


def _one(s: Any, username: str) -> AccountView:
    found = next((v for v in list_users(s.store) if v.username == username), None)
    if found is None:
        raise Http404
    return found


@acting
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest, username: str) -> HttpResponse:
    """One account, and more roles for it."""
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    with engine() as s:
        view = _one(s, username)
        form = GrantForm(request.POST or None, ws=s.base, held=view.roles)
        if request.method == "POST" and form.is_valid():
            try:
                grant_roles(s.store, s.base.county, request.actor, clock(), username,  # type: ignore[attr-defined]
                            form.cleaned_data["roles"])
            except DutyError as exc:
                form.add_error("roles", words(exc))
            else:
                messages.success(request, f"已为账号 {username} 添加角色。")
                return redirect("account", username=username)
        roles = [_shown(r, s.base.names) for r in view.roles]
    return render(request, "web/account.html", {"account": view, "roles": roles,
                                                "form": form},
                  status=400 if form.errors else 200)


DONE = {"disable": "账号 {} 已停用，其令牌已撤销。", "enable": "账号 {} 已重新启用。",
        "unlock": "已解除账号 {} 的登录锁定。", "unlocked": "账号 {} 没有登录锁定，未作更改。"}


@acting
@require_POST
def account_action(request: HttpRequest, username: str, action: str) -> HttpResponse:
    """Disable, enable, unlock, or reset the password of one account."""
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    if action not in ("disable", "enable", "unlock", "reset"):
        raise Http404
    actor = request.actor  # type: ignore[attr-defined]
    with engine() as s:
        try:
            if action == "disable":
                disable_user(s.store, actor, clock(), username)
            elif action == "enable":
                enable_user(s.store, actor, clock(), username)
            elif action == "unlock":
                if lockouts.lift(s.store, actor, clock(), username=username) is None:
                    action = "unlocked"
            else:
                issued = reset_password(s.store, actor, clock(), username)
        except DutyError as exc:
            if status_of(exc) == 404:
                raise Http404 from None
            error = words(exc)
        else:
            error = None
    if error is not None:
        return _list(request, error, 409)
    if action == "reset":
        return _shown_once(request, [issued], "密码已重置")
    messages.success(request, DONE[action].format(username))
    return redirect("accounts")
