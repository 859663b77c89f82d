"""Route every query of a command to the store that command opened.

The CLI may open several stores in one process (tests do); each is a Django database alias,
and the alias in use is held in a context variable for the duration of a transaction. The web
application sets none and uses ``default``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

QUEUE_APP = "procrastinate"  # the job queue's Django app label

current_alias: ContextVar[str | None] = ContextVar("duty_store_alias", default=None)


@contextmanager
def using(alias: str) -> Iterator[None]:
    token = current_alias.set(alias)
    try:
        yield
    finally:
        current_alias.reset(token)


class StoreRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return current_alias.get()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return current_alias.get()

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        """Procrastinate's schema (tables, PL/pgSQL functions) is made on PostgreSQL alone; a
        SQLite store records its migrations as applied and runs jobs inline."""
        if app_label == QUEUE_APP:
            from django.db import connections

            return connections[db].vendor == "postgresql"
        return True
