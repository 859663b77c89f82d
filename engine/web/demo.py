"""``make serve``: a demonstration store for the sample county with an account for every
party the sample proposals need and proposals in flight at several steps, then the web
application on it. The passwords are made at random when the store is created
and kept beside it (mode 0600); they are printed at every start."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from engine.store.config import StoreTarget, store_target
from engine.workflow.roles import Clock

DEMO_DIR = Path("out/serve")
SAMPLES = Path(__file__).resolve().parents[2] / "duties" / "proposals"
# every department the bundled sample proposals come from (account → department)
DEPARTMENTS: dict[str, str] = {
    "fire": "fire_rescue", "urban": "urban_management", "market": "market_regulation",
    "stats": "statistics", "ecology": "ecology", "health": "health",
    "emergency": "emergency", "housing": "housing", "transport": "transport",
    "hrss": "hrss", "water": "water", "agri": "agriculture", "police": "public_security",
    "civil": "civil_affairs",
}
STREETS = [f"S{n:02d}" for n in range(1, 16)]
# account → roles: the county's parties, every sample's department, every street (one account
# each, and ``street`` holding them all and picking one after log-in)
ACCOUNTS: dict[str, list[str]] = {
    "admin": ["admin"], "office": ["office"], "justice": ["justice"], "county": ["county"],
    **{account: [f"department:{dept}"] for account, dept in DEPARTMENTS.items()},
    "street": [f"street:{s}" for s in STREETS],
    **{s.lower(): [f"street:{s}"] for s in STREETS},
}
# the proposals in flight: sample file, and how far it has gone (each step by its own party)
IN_FLIGHT: tuple[tuple[str, str], ...] = (
    ("12-social-security-card-service.yaml", "published"),
    ("19-grid-patrol-staff-follow.yaml", "admitted"),
    ("02-food-safety-patrol-support.yaml", "deliberation"),
    ("06-emergency-office-provincial.yaml", "hearing"),
    ("03-agricultural-census-assist.yaml", "legal_review"),
    ("01-ebike-charging-coordination.yaml", "submitted"),
    ("04-sewage-outfall-assist-unfunded.yaml", "returned"),
    ("10-gas-safety-household-checks.yaml", "returned"),
    ("23-census-temporary-task.yaml", "draft"),
)


def seed(county_dir: Path | None, target: StoreTarget,
         accounts: Sequence[tuple[str, list[str], str]], clock: Clock) -> None:
    """A new store (accounts mode) with the given accounts and passwords; the first account
    must hold ``admin``."""
    from engine.api import county_workspace, init_store, keyed_store
    from engine.workflow.accounts import add_user
    from engine.workflow.names import RoleKind
    from engine.workflow.roles import Actor, Role

    init_store(county_dir, target, local=False, rehearsal=False, clock=clock)
    county = county_workspace(county_dir).county
    with keyed_store(target) as store:
        admin: Actor | None = None
        for username, roles, password in accounts:
            add_user(store, county, admin, clock, username, roles, password)
            if admin is None:
                admin = Actor(username, Role(RoleKind.admin))


def seed_more(target: StoreTarget, accounts: Sequence[tuple[str, list[str], str]],
              clock: Clock) -> None:
    """More accounts in a seeded store, added by its first admin."""
    from engine.api import county_workspace, keyed_store
    from engine.workflow.accounts import add_user
    from engine.workflow.names import RoleKind
    from engine.workflow.roles import Actor, Role

    county = county_workspace(None).county
    admin = Actor("admin", Role(RoleKind.admin))
    with keyed_store(target) as store:
        for username, roles, password in accounts:
            add_user(store, county, admin, clock, username, roles, password)


def play(county_dir: Path | None, target: StoreTarget, clock: Clock) -> list[str]:
    """Take the sample proposals of ``IN_FLIGHT`` through the process as far as each goes,
    every step by the party whose step it is (the service checks each as it would from the
    web); the proposals' ids, in order."""
    from engine.api import county_workspace
    from engine.loading.proposal import load_proposal
    from engine.store.session import close
    from engine.workflow.names import Opinion, RoleKind, StateName
    from engine.workflow.queries import Reader
    from engine.workflow.roles import Actor, Role
    from engine.workflow.stores import open_service

    by_role = {role: account for account, roles in ACCOUNTS.items() if len(roles) == 1
               for role in roles}

    def actor(kind: RoleKind, ident: str | None = None) -> Actor:
        role = Role(kind, ident)
        return Actor(by_role[str(role)], role)

    office, justice, county = (actor(RoleKind.office), actor(RoleKind.justice),
                               actor(RoleKind.county))
    s = open_service(county_workspace(county_dir), target)
    done = []
    try:
        for name, goal in IN_FLIGHT:
            source = load_proposal(SAMPLES / name)
            pid, dept = source.proposal.id, source.proposal.department
            s.submit(actor(RoleKind.department, dept), clock, source,
                     draft=goal == StateName.draft)
            done.append(pid)
            if goal in (StateName.draft, StateName.submitted):
                continue
            s.review(office, clock, pid)
            if goal in (StateName.returned, StateName.legal_review):
                continue
            s.legal(justice, clock, pid, True)
            streets = Reader(s, None).show(pid).streets
            heard = streets[:1] if goal == StateName.hearing else streets
            for street in heard:
                s.hear(actor(RoleKind.street, street), clock, pid, street, Opinion.agree, None)
            if goal in (StateName.hearing, StateName.deliberation):
                continue
            s.decide(county, clock, pid, "区政府常务会议2026年第1次", "admit")
            if goal == StateName.published:
                s.publish(office, clock, [pid])
    finally:
        close(s.store)
    return done


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="示例区演示：建库、建账号并启动网页应用。")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址")
    parser.add_argument("--port", type=int, default=8000, help="端口")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数")
    args = parser.parse_args(argv)
    from engine.errors import DutyError
    from engine.web.serve import check_port, serve

    try:
        check_port(args.host, args.port)
    except DutyError as exc:
        sys.stderr.write(exc.render() + "\n")
        raise SystemExit(exc.exit_code) from None
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    db = DEMO_DIR / "duty.db"
    logins = DEMO_DIR / "logins.txt"
    target = store_target(db)
    if not db.exists():
        accounts = [(name, roles, secrets.token_urlsafe(9)) for name, roles in ACCOUNTS.items()]
        seed(None, target, accounts, Clock.real())
        play(None, target, Clock.real())
        fd = os.open(logins, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for name, roles, password in accounts:
                out.write(f"{name}\t{password}\t{' '.join(roles)}\n")
    else:  # the demo's own database, made by an earlier duty: brought up to this one
        from engine.api import migrate_store

        try:
            applied = migrate_store(target)
        except DutyError as exc:
            sys.stderr.write(exc.render() + f"\n  演示数据库可以删除（{DEMO_DIR}），"
                             "下次启动时重建。\n")
            raise SystemExit(exc.exit_code) from None
        if applied:
            print(f"演示数据库已迁移到当前结构（{len(applied)} 项）。")
    print(f"演示数据库：{db}（示例区，账号与密码见 {logins}）")
    print("演示账号（账号  密码  角色）：")
    for line in logins.read_text(encoding="utf-8").splitlines():
        print("  " + "  ".join(line.split("\t")))
    serve(None, db, args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
