"""Django's schema commands for developers working on the store's models:

    python -m engine.store.manage makemigrations        # write the migration for a change
    python -m engine.store.manage makemigrations --check --dry-run   # models = migrations?

Django is set up with the store's settings (no database is opened). Stores themselves are
migrated by ``duty store migrate`` only, so that command is not offered here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

ALLOWED = ("makemigrations", "showmigrations", "sqlmigrate", "check", "help")


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ALLOWED:
        sys.stderr.write("用法：python -m engine.store.manage "
                         f"{{{'|'.join(ALLOWED)}}} …；迁移数据库请用 duty store migrate。\n")
        raise SystemExit(2)
    from engine.store.config import ensure_django

    ensure_django()
    from django.core.management import execute_from_command_line

    # the admin's checks are the web application's (its templates and middleware), not these
    skip = ["--skip-checks"] if args[0] in ("makemigrations", "showmigrations") else []
    execute_from_command_line(["engine.store.manage", args[0], *skip, *args[1:]])


if __name__ == "__main__":
    main()
