"""Who is asking: the logged-in account in the role it chose among those it holds in the
store's county, and what that role may see.

What each role may read is written once, in ``engine.workflow.queries``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from engine.labels import role_words
from engine.web.runtime import service
from engine.workflow.accounts import roles_held
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor, parse_role

SESSION_ROLE = "duty_role"


def held_roles(user: Any) -> list[str]:
    """The roles the account holds in the store's county (none for an inactive account);
    asked once per request (the user object lives as long as the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    held = getattr(user, "_duty_roles", None)
    if held is None:
        held = user._duty_roles = roles_held(service().store, user)
    return list(held)


def current_actor(request: HttpRequest) -> Actor | None:
    """The actor of the request: the chosen role if the account still holds it, else its
    only role; None when it must choose (or holds none)."""
    held = held_roles(request.user)
    chosen = request.session.get(SESSION_ROLE)
    if chosen not in held:
        chosen = held[0] if len(held) == 1 else None
    if chosen is None:
        return None
    return Actor(request.user.get_username(), parse_role(chosen, service().base.county))


def acting(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for an account acting in a role: log-in first, then the role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor = current_actor(request)
        if actor is None:
            return redirect("role")
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def need_kind(actor: Actor, *kinds: RoleKind) -> None:
    """A page only these roles may open; any other gets "not found"."""
    if actor.role.kind not in kinds:
        raise Http404


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the role acting and the roles the account may switch to."""
    county = service().base.county
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"duty_county": county.name}
    actor = getattr(request, "actor", None)
    names = service().base.names
    roles = held_roles(request.user)

    def shown(text: str) -> str:
        return role_words(text, names)

    return {"duty_actor": actor, "duty_role": shown(str(actor.role)) if actor else None,
            "duty_roles": [(r, shown(r)) for r in roles],
            "duty_county": county.name, "duty_names": names}
