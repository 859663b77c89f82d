"""``make serve``: a demonstration store for the sample county with one account per role,
then the web application on it. The passwords are made at random when the store is created
and kept beside it (mode 0600); they are printed at every start."""

from __future__ import annotations

import argparse
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from engine.store.config import StoreTarget, store_target
from engine.workflow.roles import Clock

DEMO_DIR = Path("out/serve")
# account → roles (the street account holds several street roles and picks one after log-in)
ACCOUNTS: dict[str, list[str]] = {
    "admin": ["admin"],
    "office": ["office"],
    "justice": ["justice"],
    "county": ["county"],
    "fire": ["department:fire_rescue"],
    "urban": ["department:urban_management"],
    "street": ["street:S01", "street:S02", "street:S03"],
    "s01": ["street:S01"],
}


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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="示例区演示：建库、建账号并启动网页应用。")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址")
    parser.add_argument("--port", type=int, default=8000, help="端口")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数")
    args = parser.parse_args(argv)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    db = DEMO_DIR / "duty.db"
    logins = DEMO_DIR / "logins.txt"
    target = store_target(db)
    if not db.exists():
        accounts = [(name, roles, secrets.token_urlsafe(9)) for name, roles in ACCOUNTS.items()]
        seed(None, target, accounts, Clock.real())
        fd = os.open(logins, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for name, roles, password in accounts:
                out.write(f"{name}\t{password}\t{' '.join(roles)}\n")
    print(f"演示数据库：{db}（示例区，账号与密码见 {logins}）")
    print("演示账号（账号  密码  角色）：")
    for line in logins.read_text(encoding="utf-8").splitlines():
        print("  " + "  ".join(line.split("\t")))
    from engine.web.serve import serve

    serve(None, db, args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
