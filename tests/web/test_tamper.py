"""The web refuses an account whose rows were changed in the database without the audit key:
at log-in, and in a session already open (its next request goes back to the log-in page)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.web.conftest import ACCOUNTS, Client, Server


def _set_hash(server: Server, username: str, password: str) -> None:
    from django.contrib.auth.hashers import make_password

    from engine.store.config import ensure_django

    ensure_django()
    conn = sqlite3.connect(Path(server.env["DUTY_DB"]))
    try:
        conn.execute("UPDATE auth_user SET password = ? WHERE username = ?",
                     (make_password(password), username))
        conn.commit()
    finally:
        conn.close()


def test_a_password_set_in_the_database_lets_nobody_in(sqlite_server: Server) -> None:
    session = Client(sqlite_server.url).login("urban")
    assert session.get("/").status == 200
    _set_hash(sqlite_server, "urban", "attacker-Secret-9")
    reply = session.get("/")
    assert reply.status == 302 and "/login/" in (reply.location or "")
    intruder = Client(sqlite_server.url)
    intruder.get("/login/")
    reply = intruder.post("/login/", {"username": "urban", "password": "attacker-Secret-9"})
    assert reply.status == 200  # the form again, no session
    assert intruder.get("/").status == 302
    honest = Client(sqlite_server.url)
    honest.get("/login/")
    assert honest.post("/login/", {"username": "urban",
                                   "password": ACCOUNTS["urban"][1]}).status == 200
