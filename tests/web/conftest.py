"""A running web application for the tests: a store of the sample county with one account per
role, served by ``duty serve`` (gunicorn) on a free loopback port; an HTTP client that keeps
its session; a snapshot of everything the store holds."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.services import pg_create, pg_url, require_postgresql

# account → (roles, password); the first holds admin
ACCOUNTS: dict[str, tuple[list[str], str]] = {
    "admin": (["admin"], "admin-Secret-1"),
    "fire": (["department:fire_rescue"], "fire-Secret-1"),
    "urban": (["department:urban_management"], "urban-Secret-1"),
    "office": (["office"], "office-Secret-1"),
    "justice": (["justice"], "justice-Secret-1"),
    "street": (["street:S01", "street:S02"], "street-Secret-1"),
    "s03": (["street:S03"], "s03-Secret-1"),
    "county": (["county"], "county-Secret-1"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    env: dict[str, str]
    folder: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def target(self) -> Any:
        from engine.store.config import store_target

        saved = {k: os.environ.get(k) for k in ("DUTY_DATABASE_URL", "DUTY_AUDIT_KEY",
                                                 "DUTY_CHECKPOINTS")}
        try:
            for k in saved:
                if k in self.env:
                    os.environ[k] = self.env[k]
                else:
                    os.environ.pop(k, None)
            return store_target(Path(self.env["DUTY_DB"]) if "DUTY_DB" in self.env else None)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _seed(server: Server, accounts: dict[str, tuple[list[str], str]] = ACCOUNTS) -> None:
    from engine.web.demo import seed
    from engine.workflow.roles import Clock

    seed(None, server.target(), [(n, r, p) for n, (r, p) in accounts.items()], Clock.real())


def start(folder: Path, extra: dict[str, str],
          accounts: dict[str, tuple[list[str], str]] = ACCOUNTS) -> Server:
    """``duty serve`` on a new store of the sample county holding ``accounts``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    server = Server(f"http://127.0.0.1:{free_port()}", env, folder)
    _seed(server, accounts)
    return launch(server)


def launch(server: Server, log_name: str = "server.log") -> Server:
    """``duty serve`` on ``server``'s store, port and environment, once it answers."""
    log = (server.folder / log_name).open("wb")
    server.process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--host", "127.0.0.1", "--port",
         server.url.rsplit(":", 1)[1], "--workers", "2"], cwd=server.folder, env=server.env,
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(server.url + "/login/", timeout=2)
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            if server.process.poll() is not None:
                break
            time.sleep(0.3)
    stop(server)
    raise RuntimeError((server.folder / log_name).read_text(encoding="utf-8",
                                                            errors="replace"))


def stop(server: Server) -> None:
    if server.process is not None and server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("web")
    server = start(folder, {"DUTY_DB": str(folder / "duty.db")})
    yield server
    stop(server)


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from pg_served(tmp_path_factory)


def pg_served(tmp_path_factory: pytest.TempPathFactory,
              accounts: dict[str, tuple[list[str], str]] = ACCOUNTS) -> Iterator[Server]:
    """``duty serve`` on a new PostgreSQL database, dropped afterwards."""
    admin_url = require_postgresql()
    import psycopg

    name = f"duty_web_{uuid.uuid4().hex[:12]}"
    pg_create(name)
    folder = tmp_path_factory.mktemp("web-pg")
    server = None
    try:
        server = start(folder, {"DUTY_DATABASE_URL": pg_url(name),
                                "DUTY_AUDIT_KEY": str(folder / "audit.key")}, accounts)
        yield server
    finally:
        if server is not None:
            stop(server)
        from django.db import connections

        for alias in list(connections.databases):
            if name in str(connections.databases[alias].get("NAME", "")):
                connections[alias].close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless (the test fails under CI when it is missing)."""
    from tests.services import require_chromium

    chromium = require_chromium()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    from tests.web.browser import launch

    # Playwright's sync API keeps an event loop in this thread; the store is set up and read
    # here (not in the server) with plain blocking calls
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with sync_playwright() as p:
            browser = launch(p, chromium)
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


# --- the web application in this process, through Django's test client ------------------------

_active: list[Server] = []  # the store the in-process application serves now


def in_process(folder: Path) -> Server:
    """A new store of the sample county with the test accounts, served in this process."""
    server = Server("", {"DUTY_DB": str(folder / "duty.db")}, folder)
    _seed(server)
    return server


def activate(server: Server) -> None:
    """Point the in-process application at ``server``'s store: Django's ``default`` database
    (accounts, sessions) and the admission service the pages call."""
    if _active and _active[0] is server:
        return
    from django.db import connections

    from engine.api import county_workspace
    from engine.web import runtime
    from engine.workflow.stores import open_service

    deactivate()
    connections["default"].close()
    connections.settings["default"] = connections.configure_settings(
        {"default": server.target().database()})["default"]
    del connections["default"]
    runtime._service = open_service(county_workspace(None), server.target())
    _active.append(server)


def deactivate() -> None:
    from django.db import connections

    from engine.store.session import close
    from engine.web import runtime

    if runtime._service is not None:
        close(runtime._service.store)
        runtime._service = None
    connections["default"].close()
    _active.clear()


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The web application on a new SQLite store, in this process."""
    server = in_process(tmp_path_factory.mktemp("web-app"))
    try:
        yield server
    finally:
        if _active and _active[0] is server:
            deactivate()


@pytest.fixture(scope="module")
def web_app_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The web application on a new PostgreSQL store, in this process."""
    from tests.workflow.conftest import pg_database

    with pg_database() as url:
        folder = tmp_path_factory.mktemp("web-app-pg")
        server = Server("", {"DUTY_DATABASE_URL": url,
                             "DUTY_AUDIT_KEY": str(folder / "audit.key"),
                             "DUTY_CHECKPOINTS": str(folder / "audit.checkpoints")}, folder)
        try:
            _seed(server)
            yield server
        finally:
            if _active and _active[0] is server:
                deactivate()


@dataclass
class AppReply:
    status: int
    text: str
    location: str | None
    headers: Any
    cookies: Any


class AppClient:
    """One browser on the in-process application: cookies kept, redirects not followed, the
    CSRF token sent as a page would (CSRF checks enforced)."""

    def __init__(self, server: Server) -> None:
        from django.test import Client as DjangoClient

        self.server = server
        self.django = DjangoClient(enforce_csrf_checks=True)

    def cookie(self, name: str) -> str | None:
        morsel = self.django.cookies.get(name)
        return morsel.value if morsel is not None and morsel.value else None

    @staticmethod
    def _reply(response: Any) -> AppReply:
        body = b"".join(response.streaming_content) if response.streaming else \
            response.content
        return AppReply(response.status_code, body.decode("utf-8", "replace"),
                        response.headers.get("Location"), response.headers, response.cookies)

    def get(self, path: str, headers: dict[str, str] | None = None) -> AppReply:
        activate(self.server)
        return self._reply(self.django.get(path, headers=headers))

    def post(self, path: str, data: dict[str, Any] | None = None,
             csrf: bool = True) -> AppReply:
        """POST a form (a value that is a file is sent as a multipart upload)."""
        fields = dict(data or {})
        if csrf:
            if self.cookie("csrftoken") is None:
                self.get("/login/")
            fields["csrfmiddlewaretoken"] = self.cookie("csrftoken") or ""
        activate(self.server)
        return self._reply(self.django.post(path, fields))

    def login(self, username: str, role: str | None = None) -> AppClient:
        self.get("/login/")
        reply = self.post("/login/", {"username": username,
                                      "password": ACCOUNTS[username][1]})
        assert reply.status == 302, reply.text[:500]
        if role is not None:
            assert self.post("/role/", {"role": role}).status == 302
        return self


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    text: str
    location: str | None


class Client:
    """A browser-like HTTP client: cookies kept, redirects not followed, CSRF token sent."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=self.timeout) as resp:
                return Reply(resp.status, resp.read().decode("utf-8", "replace"),
                             resp.headers.get("Location"))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode("utf-8", "replace"),
                         err.headers.get("Location"))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str] | None = None, csrf: bool = True) -> Reply:
        fields = dict(data or {})
        if csrf:
            if self.cookie("csrftoken") is None:
                self.get("/login/")
            fields["csrfmiddlewaretoken"] = self.cookie("csrftoken") or ""
        body = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers={
            "Referer": self.base + path}))

    def login(self, username: str, role: str | None = None) -> Client:
        self.get("/login/")
        reply = self.post("/login/", {"username": username,
                                      "password": ACCOUNTS[username][1]})
        assert reply.status == 302, reply.text[:500]
        if role is not None:
            assert self.post("/role/", {"role": role}).status == 302
        return self


def snapshot(server: Server) -> dict[str, Any]:
    """Every row of the store's own tables, the accounts and their roles (sessions and log-in
    records aside)."""
    from django.contrib.auth import get_user_model

    from engine.store.audit import row_fields
    from engine.store.orm import m
    from engine.store.session import close, transaction
    from engine.workflow.stores import open_keyed

    store = open_keyed(server.target())
    try:
        with transaction(store, write=False):
            out: dict[str, Any] = {}
            for model in (m.StoreMeta, m.AuditHead, m.AuditEntry, m.ProposalRecord,
                          m.DecisionRecord, m.OpinionRecord, m.MeetingRecord, m.ListVersion,
                          m.VersionProposal, m.CountyState, m.RoleBinding, m.ApiToken,
                          m.Submission, m.StepNoteRecord, m.Attachment):
                out[model._meta.db_table] = sorted(
                    repr(sorted(row_fields(r).items())) for r in model.objects.all())
            out["users"] = sorted((u.username, u.is_active, u.password)
                                  for u in get_user_model().objects.all())
            return out
    finally:
        close(store)
