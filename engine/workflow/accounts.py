"""Accounts: who may act, in which roles, with which token.

An account is a Django user with role bindings in the store's county. The command line proves
an account with a token (``DUTY_TOKEN``): a random secret shown once, of which the store keeps
only the SHA-256 digest; tokens can be revoked. Passwords (for the web) use Argon2. Only an
account holding ``admin`` manages accounts, except for the very first one, which must hold
``admin`` and is created by whoever operates the store (recorded with the system user).

Both doors call these functions: the command line's ``duty user …`` and the web's account
pages (``engine.web.views.accounts``). A password an administrator sets or resets is
temporary: the account's newest seal marks it, the web asks for a new one before anything
else, and after ``TEMPORARY_HOURS`` it no longer opens the account. The county is never left
without an active administrator.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from engine.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PasswordError,
    UsageError,
)
from engine.models.county import County
from engine.store.chain import Chain
from engine.store.orm import m
from engine.store.seals import account_problem
from engine.store.session import Store, os_user, transaction
from engine.workflow.names import RoleKind, SystemAction
from engine.workflow.roles import CHINA, Actor, Clock, parse_role
from engine.workflow.views import AccountView, IssuedToken

TOKEN_PREFIX = "duty_"
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")  # Django's own rule for user names
NAME_CHARS = 150
# how long a temporary password (set or reset by an administrator) opens the account
TEMPORARY_HOURS = 72


def check_username(username: str) -> None:
    """An account name Django accepts: letters (Chinese too), digits and _ . @ + -."""
    if not USERNAME.match(username):
        raise UsageError(f"账号名 “{username[:160]}” 不可用",
                         hint="账号名只能由字母（可以是汉字）、数字和 _ . @ + - 组成，"
                              "不超过 150 个字符，不能有空格。")


def check_name(name: str) -> str:
    """The person's name (姓名), trimmed; at most 150 characters, no control characters."""
    name = name.strip()
    if len(name) > NAME_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise UsageError("姓名过长或含有控制字符", hint=f"姓名不超过 {NAME_CHARS} 个字符。")
    return name


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user_model() -> type:
    from django.contrib.auth import get_user_model

    return get_user_model()


def roles_held(store: Store, user: object) -> list[str]:
    """The roles the account holds in the store's county (inside a transaction, or on the
    web's database)."""
    return sorted(m.RoleBinding.objects.filter(user=user, county=store.county)
                  .values_list("role", flat=True))


def authenticate(store: Store, county: County, token: str | None,
                 role_text: str | None, reading: bool = False) -> Actor | None:
    """The actor of a command: in a local store, the declared role and the system user; else
    the account the token belongs to, in the role chosen among those it holds. ``reading``:
    a command that changes nothing, for which any account of the county will do (and, in a
    local store, no role at all)."""
    if store.local:
        if reading and not role_text:
            return None
        return Actor(os_user(), parse_role(role_text, county), local=True)
    if not token:
        raise AuthError("该数据库须以账号操作，未提供令牌",
                        hint="把账号的令牌放在环境变量 DUTY_TOKEN 中"
                             "（由管理员用 user token 签发）。")
    with transaction(store, write=False):
        row = m.ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
        if row is None or row.revoked is not None or not row.user.is_active:
            raise AuthError("令牌无效、已撤销或账号已停用",
                            hint="请管理员重新签发令牌（user token）。")
        user = row.user
        refuse_tampered(store, user)
        held = roles_held(store, user)
    if role_text:
        role = parse_role(role_text, county)
        if str(role) not in held:
            raise ForbiddenError(f"账号 {user.username} 没有角色 {role}", account=user.username,
                                 role=str(role), action="act",
                                 hint="该账号的角色：" + ("、".join(held) or "无"))
        return Actor(user.username, role)
    if len(held) == 1 or (reading and held):
        return Actor(user.username, parse_role(held[0], county))
    if not held:
        raise ForbiddenError(f"账号 {user.username} 在 {store.county} 没有任何角色",
                             account=user.username, role=None, action="act")
    raise UsageError(f"账号 {user.username} 有多个角色，须说明以哪个角色操作",
                     hint="可选：" + "、".join(held))


def refuse_tampered(store: Store, user: object) -> None:
    """Refuse an account whose rows the keyed record does not vouch for (inside a
    transaction on the store)."""
    assert store.key is not None
    problem = account_problem(store.key, user)
    if problem:
        name = str(user.username)  # type: ignore[attr-defined]
        raise AuthError(f"账号 {name} 不能使用：{problem}", account=name,
                        hint="请管理员用 duty audit verify 核验数据库，并从备份恢复被改动的账号"
                             "数据。")


def account_usable(store: Store, username: str) -> bool:
    """Whether the account exists, is active and agrees with the record (the web's check at
    log-in and at every request)."""
    with transaction(store, write=False):
        user = _user_model().objects.filter(username=username).first()
        return user is not None and bool(user.is_active) and \
            account_problem(store.key or b"", user) is None


def entry(chain: Chain, actor: Actor | None, clock: Clock, action: SystemAction,
          detail: dict[str, object]) -> int:
    account = actor.recorded if actor else f"system:{os_user()}"
    return chain.begin(at=clock.stamp, account=account, role=str(actor.role) if actor else
                       "system", action=action.value, detail=detail,
                       clock="fixed" if clock.fixed else "real")


def need_admin(store: Store, actor: Actor | None, action: str) -> None:
    if store.local:
        raise UsageError("本地单用户数据库没有账号", hint="账号只用于多人共用的数据库。")
    if actor is None or actor.role.kind is not RoleKind.admin:
        raise ForbiddenError("只有账号管理员（admin）可以管理账号",
                             account=actor.recorded if actor else None,
                             role=str(actor.role) if actor else None, action=action)


def _has_admin(store: Store) -> bool:
    return m.RoleBinding.objects.filter(county=store.county, role=RoleKind.admin.value,
                                        user__is_active=True).exists()


def add_user(store: Store, county: County, actor: Actor | None, clock: Clock, username: str,
             roles: Sequence[str], password: str | None = None,
             with_token: bool = False, *, name: str = "",
             temporary: bool = False) -> tuple[AccountView, IssuedToken | None]:
    """A new account with its roles (and a token when asked: always for the first
    administrator, who has no other way to act). ``temporary``: the password is one the
    administrator chose, to be changed at the account's first log-in."""
    check_username(username)
    name = check_name(name)
    parsed = [str(parse_role(r, county)) for r in roles]
    if not parsed:
        raise UsageError("账号至少要有一个角色")
    with transaction(store) as chain:
        bootstrap = actor is None and not _has_admin(store) and RoleKind.admin.value in parsed
        if not bootstrap:
            need_admin(store, actor, "user_add")
        if password is not None:
            check_password(password, _user_model()(username=username, first_name=name))
        user = _create(chain, store, actor, clock, username, name, parsed, password,
                       temporary and password is not None)
        issued = _issue(chain, actor, clock, user) if with_token or bootstrap else None
    return (AccountView(username=username, name=name, active=True, roles=sorted(set(parsed)),
                        tokens=int(issued is not None),
                        must_change=temporary and password is not None), issued)


def _create(chain: Chain, store: Store, actor: Actor | None, clock: Clock, username: str,
            name: str, roles: Sequence[str], password: str | None,
            must_change: bool) -> object:
    """One new account, its roles and its seal (inside the caller's transaction)."""
    user_model = _user_model()
    if user_model.objects.filter(username=username).exists():
        raise ConflictError(f"账号 {username} 已存在", subject="account", stored=username,
                            given=username)
    user = user_model.objects.create_user(username=username, password=password,
                                          first_name=name)
    detail: dict[str, object] = {"username": username, "roles": sorted(set(roles))}
    if name:
        detail["name"] = name
    seq = entry(chain, actor, clock, SystemAction.user_add, detail)
    for role in sorted(set(roles)):
        m.RoleBinding.objects.create(user=user, county=store.county, role=role,
                                     audit_seq=seq)
    chain.account(user, must_change=must_change)
    return user


def temporary_password() -> str:
    """A temporary password: 16 random characters, shown once."""
    return secrets.token_urlsafe(12)


def create_accounts(store: Store, county: County, actor: Actor | None, clock: Clock,
                    accounts: Sequence[tuple[str, str, Sequence[str]]],
                    imported: bool = True) -> list[IssuedToken]:
    """New accounts (``(username, name, roles)`` each), all or none, each with a temporary
    password shown once and to be changed at its first log-in. One ``user_add`` entry per
    account, after (``imported``: the rows of a file, which
    ``engine.workflow.account_import`` checked) a ``user_import`` entry that names them."""
    for username, name, roles in accounts:
        check_username(username)
        check_name(name)
        for role in roles:
            parse_role(role, county)
    out: list[IssuedToken] = []
    with transaction(store) as chain:
        need_admin(store, actor, "user_import" if imported else "user_add")
        if imported:
            entry(chain, actor, clock, SystemAction.user_import,
                  {"accounts": len(accounts), "usernames": [a[0] for a in accounts]})
        for username, name, roles in accounts:
            password = temporary_password()
            _create(chain, store, actor, clock, username, name, list(roles), password, True)
            out.append(IssuedToken(username=username, token=password))
    return out


def check_password(password: str, user: object) -> None:
    """Django's password validators (the store's settings), as on the web."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"):  # the validators' own words, in Chinese
        try:
            validate_password(password, user)
        except ValidationError as exc:
            reasons = [str(m) for m in exc.messages]
        else:
            return
    raise PasswordError("密码不符合要求：" + "；".join(reasons), reasons=reasons,
                        hint="密码至少 10 个字符，不能是常见密码、纯数字或与账号名相近。")


def change_password(store: Store, clock: Clock, username: str, password: str) -> None:
    """The account sets its own password (recorded in the account's name)."""
    with transaction(store) as chain:
        user = _user(username)
        refuse_tampered(store, user)
        check_password(password, user)
        user.set_password(password)  # type: ignore[attr-defined]
        user.save(update_fields=["password"])  # type: ignore[attr-defined]
        chain.begin(at=clock.stamp, account=username, role="self",
                    action=SystemAction.password_set.value, detail={"username": username},
                    clock="fixed" if clock.fixed else "real")
        chain.account(user, must_change=False)  # its own password now


def list_users(store: Store) -> list[AccountView]:
    """Every account of the store, by name: its person's name, roles in the store's county,
    live tokens, and whether its password is a temporary one (never the password's hash)."""
    with transaction(store, write=False):
        users = list(_user_model().objects.order_by("username"))
        roles: dict[int, list[str]] = {}
        for user_id, role in m.RoleBinding.objects.filter(county=store.county) \
                .values_list("user_id", "role"):
            roles.setdefault(user_id, []).append(role)
        tokens: dict[int, int] = {}
        for user_id in m.ApiToken.objects.filter(revoked__isnull=True) \
                .values_list("user_id", flat=True):
            tokens[user_id] = tokens.get(user_id, 0) + 1
        temporary: dict[str, bool] = {}
        for username, flag in m.AccountSeal.objects.order_by("seq") \
                .values_list("username", "must_change"):
            temporary[username] = flag  # the newest seal wins
        return [AccountView(username=u.username, name=u.first_name, active=u.is_active,
                            roles=sorted(roles.get(u.pk, [])), tokens=tokens.get(u.pk, 0),
                            must_change=temporary.get(u.username, False))
                for u in users]


def account_names(store: Store) -> list[str]:
    """The names of every account, to tell one exists (the import's check)."""
    with transaction(store, write=False):
        return list(_user_model().objects.order_by("username")
                    .values_list("username", flat=True))


def _user(username: str) -> object:
    user = _user_model().objects.filter(username=username).first()
    if user is None:
        known = _user_model().objects.values_list("username", flat=True)
        raise NotFoundError(f"没有账号 {username}", kind="account", name=username, known=known)
    return user


def _keep_an_admin(store: Store, user: object, action: str, actor: Actor | None) -> None:
    """The county is never left without an active administrator."""
    others = m.RoleBinding.objects.filter(county=store.county, role=RoleKind.admin.value,
                                          user__is_active=True).exclude(user=user)
    if not others.exists() and RoleKind.admin.value in roles_held(store, user):
        raise ForbiddenError(f"{store.county} 只剩账号 {user.username} 一个管理员，不能停用它",  # type: ignore[attr-defined]
                             account=actor.recorded if actor else None,
                             role=str(actor.role) if actor else None, action=action,
                             hint="先为另一个账号添加 admin 角色。")


def disable_user(store: Store, actor: Actor | None, clock: Clock, username: str) -> AccountView:
    with transaction(store) as chain:
        need_admin(store, actor, "user_disable")
        user = _user(username)
        _keep_an_admin(store, user, "user_disable", actor)
        user.is_active = False  # type: ignore[attr-defined]
        user.save()  # type: ignore[attr-defined]
        revoked = m.ApiToken.objects.filter(user=user, revoked__isnull=True).update(
            revoked=clock.now)
        entry(chain, actor, clock, SystemAction.user_disable,
              {"username": username, "tokens_revoked": revoked})
        chain.account(user)
        return AccountView(username=username, name=user.first_name, active=False,  # type: ignore[attr-defined]
                           roles=roles_held(store, user), tokens=0)


def enable_user(store: Store, actor: Actor | None, clock: Clock, username: str) -> AccountView:
    """A disabled account active again (its revoked tokens stay revoked)."""
    with transaction(store) as chain:
        need_admin(store, actor, "user_enable")
        user = _user(username)
        user.is_active = True  # type: ignore[attr-defined]
        user.save(update_fields=["is_active"])  # type: ignore[attr-defined]
        entry(chain, actor, clock, SystemAction.user_enable, {"username": username})
        chain.account(user)
        return AccountView(username=username, name=user.first_name, active=True,  # type: ignore[attr-defined]
                           roles=roles_held(store, user), tokens=0)


def reset_password(store: Store, actor: Actor | None, clock: Clock,
                   username: str) -> IssuedToken:
    """A temporary password (shown once) that must be changed at the next log-in: the
    account's newest seal says so. The same function for ``duty user reset-password`` and the
    web's reset button."""
    with transaction(store) as chain:
        need_admin(store, actor, "password_reset")
        user = _user(username)
        temporary = temporary_password()
        user.set_password(temporary)  # type: ignore[attr-defined]
        user.save(update_fields=["password"])  # type: ignore[attr-defined]
        entry(chain, actor, clock, SystemAction.password_reset, {"username": username})
        chain.account(user, must_change=True)
    return IssuedToken(username=username, token=temporary)


def temporary_since(store: Store, username: str) -> datetime | None:
    """When the account's password was set by an administrator, if it is still that temporary
    one (None: the account's own password)."""
    with transaction(store, write=False):
        seal = m.AccountSeal.objects.filter(username=username).order_by("-seq").first()
        if not (seal and seal.must_change):
            return None
        at = m.AuditEntry.objects.filter(seq=seal.audit_seq).values_list("at", flat=True) \
            .first()
        return at or datetime.min.replace(tzinfo=CHINA)


def must_change_password(store: Store, username: str) -> bool:
    """Whether the account's password is a temporary one (reset by an administrator)."""
    return temporary_since(store, username) is not None


def temporary_expired(store: Store, username: str, now: datetime) -> bool:
    """Whether the account's password is a temporary one older than ``TEMPORARY_HOURS``: it
    no longer opens the account, and an administrator resets it again."""
    since = temporary_since(store, username)
    return since is not None and now - since > timedelta(hours=TEMPORARY_HOURS)


def issue_token(store: Store, actor: Actor | None, clock: Clock,
                username: str) -> IssuedToken:
    """A new token for the account (shown once); the store keeps its digest."""
    with transaction(store) as chain:
        need_admin(store, actor, "token_issue")
        user = _user(username)
        if not user.is_active:  # type: ignore[attr-defined]
            raise ConflictError(f"账号 {username} 已停用", subject="account", stored="disabled",
                                given=username)
        return _issue(chain, actor, clock, user)


def _issue(chain: Chain, actor: Actor | None, clock: Clock, user: object) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    username = str(user.username)  # type: ignore[attr-defined]
    m.ApiToken.objects.create(user=user, digest=_digest(token), hint=token[-4:],
                              created=clock.now)
    entry(chain, actor, clock, SystemAction.token_issue,
          {"username": username, "hint": token[-4:]})
    chain.account(user)
    return IssuedToken(username=username, token=token)


def revoke_tokens(store: Store, actor: Actor | None, clock: Clock, username: str) -> int:
    with transaction(store) as chain:
        need_admin(store, actor, "token_revoke")
        user = _user(username)
        count = m.ApiToken.objects.filter(user=user, revoked__isnull=True).update(
            revoked=clock.now)
        entry(chain, actor, clock, SystemAction.token_revoke,
              {"username": username, "revoked": count})
        chain.account(user)
    return count



def grant_roles(store: Store, county: County, actor: Actor | None, clock: Clock,
                username: str, roles: Sequence[str]) -> AccountView:
    """More roles for an existing account (a role it holds already is refused). Roles are
    never taken away (the record keeps the rows that granted them): an account that should
    no longer act is disabled, and a new one made."""
    parsed = sorted({str(parse_role(r, county)) for r in roles})
    if not parsed:
        raise UsageError("至少选择一个要添加的角色")
    with transaction(store) as chain:
        need_admin(store, actor, "user_grant")
        user = _user(username)
        held = roles_held(store, user)
        already = [r for r in parsed if r in held]
        if already:
            raise ConflictError(f"账号 {username} 已有角色 {'、'.join(already)}",
                                subject="role", stored="、".join(already), given=username)
        seq = entry(chain, actor, clock, SystemAction.user_grant,
                    {"username": username, "roles": parsed})
        for role in parsed:
            m.RoleBinding.objects.create(user=user, county=store.county, role=role,
                                         audit_seq=seq)
        chain.account(user)
        return AccountView(username=username, name=user.first_name,  # type: ignore[attr-defined]
                           active=bool(user.is_active),  # type: ignore[attr-defined]
                           roles=roles_held(store, user),
                           tokens=m.ApiToken.objects.filter(user=user, revoked__isnull=True)
                           .count())
