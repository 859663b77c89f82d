"""Two web hosts on one store: two ``duty serve`` instances on different loopback ports, each
with its own gunicorn workers, share one PostgreSQL store, one county directory and one audit
key (and no signing key: each derives it from the audit key). Driven at once, they must act as
one site: a session made on one is good on the other, lock-outs and their lifting are seen by
both, a step on one is seen by the other, and a county imported on one is served by the other.
A third host with its own copy of the county directory refuses once an import leaves its copy
behind. Bounded: three servers, a few dozen requests in all, 60 s per request."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.paths import sample_county
from tests.conftest import ROOT
from tests.services import pg_create, pg_url, require_postgresql
from tests.web.conftest import (
    ACCOUNTS,
    Client,
    Reply,
    Server,
    free_port,
    launch,
    snapshot,
    stop,
)

WORKBOOK = ROOT / "tests" / "data" / "real_rows" / "xian_quanze.csv"
Hosts = tuple[Server, Server, Server]
IMPORTED = "对擅自停用、拆除消防设施、器材的处罚"  # an item of the workbook, not of the sample


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    """Hosts ``a`` and ``b`` share the county directory; ``c`` holds a copy of its own (as a
    host set up by copying the files would)."""
    admin_url = require_postgresql()
    import psycopg

    from engine.web.demo import seed
    from engine.workflow.roles import Clock

    name = f"duty_hosts_{uuid.uuid4().hex[:12]}"
    pg_create(name)
    shared = tmp_path_factory.mktemp("hosts")
    county = shared / "county"  # the one county directory both hosts are given
    shutil.copytree(sample_county(), county)
    servers: list[Server] = []
    try:
        for host in ("a", "b", "c"):
            folder = shared / host
            folder.mkdir()
            if host == "c":
                shutil.copytree(county, folder / "county")
            env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
            env.update({"DUTY_DATABASE_URL": pg_url(name),
                        "DUTY_AUDIT_KEY": str(shared / "audit.key"),
                        "DUTY_CHECKPOINTS": str(shared / "audit.checkpoints"),
                        "DUTY_COUNTY": str(folder / "county" if host == "c" else county),
                        "PYTHONPATH": str(ROOT)})
            servers.append(Server(f"http://127.0.0.1:{free_port()}", env, folder))
        seed(county, servers[0].target(), [(n, r, p) for n, (r, p) in ACCOUNTS.items()],
             Clock.real())
        with ThreadPoolExecutor(3) as pool:  # all start at once, as several machines would
            list(pool.map(launch, servers))
        yield servers[0], servers[1], servers[2]
    finally:
        for server in servers:
            stop(server)
        from django.db import connections

        for alias in list(connections.databases):
            if name in str(connections.databases[alias].get("NAME", "")):
                connections[alias].close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def same_browser(client: Client, url: str) -> Client:
    """A client for another host that holds ``client``'s cookies (one browser behind a load
    balancer: its session and CSRF cookies go to whichever host answers)."""
    other = Client(url)
    other.jar, other.opener = client.jar, client.opener
    return other


def both(*calls: tuple[Client, str, dict[str, str] | None]) -> list[Reply]:
    """Requests sent to the hosts at the same time (a GET when the data is None)."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda c: c[0].get(c[1]) if c[2] is None else c[0].post(c[1], c[2]),
                             calls))


def ok(reply: Reply) -> Reply:
    assert reply.status in (200, 302), (reply.status, reply.text[:2000])
    return reply


def test_a_session_made_on_one_host_is_good_on_the_other(hosts: Hosts) -> None:
    a, b, _ = hosts
    on_a = Client(a.url).login("office")
    on_b = same_browser(on_a, b.url)
    pages = both((on_a, "/", None), (on_b, "/", None), (on_b, "/audit/", None))
    assert [p.status for p in pages] == [200, 200, 200]
    assert all("退出" in p.text for p in pages)  # logged in on both, not sent to the log-in page
    # a form whose CSRF token came from A is accepted by B
    assert ok(on_b.post("/audit/", {"anchor": ""})).status in (200, 302)
    assert on_b.post("/logout/").status == 302  # logged out on B: the session ends on A too
    assert on_a.get("/").status == 302 and on_a.get("/").location.endswith("/login/?next=/")


def test_lock_outs_and_their_lifting_are_seen_by_both(hosts: Hosts) -> None:
    a, b, _ = hosts
    attempts = [Client(a.url), Client(b.url)]
    for n in range(4):  # four failures, alternately on each host and some at once
        reply = attempts[n % 2].post("/login/", {"username": "justice", "password": "wrong!"})
        assert reply.status == 200, reply.status
    assert Client(a.url).post("/login/", {"username": "justice",
                                          "password": "wrong!"}).status == 429  # the fifth
    right = {"username": "justice", "password": ACCOUNTS["justice"][1]}
    assert [r.status for r in both((Client(a.url), "/login/", right),
                                   (Client(b.url), "/login/", right))] == [429, 429]
    admin = Client(b.url).login("admin")
    assert "justice" in admin.get("/lockouts/").text
    ok(admin.post("/accounts/user/justice/unlock/"))  # lifted on B ...
    assert Client(a.url).post("/login/", right).status == 302  # ... so A lets the account in


def test_a_step_on_one_host_is_seen_on_the_other(hosts: Hosts) -> None:
    a, b, _ = hosts
    street = Client(a.url).login("street", "street:S01")
    ok(street.post("/proposals/return/", {"street": "S01", "item": "XF-003",
                                          "reasons": "lacks_power", "note": "须由消防部门检查"}))
    pid = "JH-S01-XF-003"
    fire = Client(b.url).login("fire")
    assert pid in fire.get("/").text  # the department's work on B: the request made on A
    ok(fire.post(f"/proposals/{pid}/department_opinion/", {"opinion": "agree", "note": "收回"}))
    office_a = Client(a.url).login("office")
    office_b = same_browser(office_a, b.url)
    pages = both((office_a, f"/proposals/{pid}/", None), (office_b, f"/proposals/{pid}/", None))
    for page in pages:
        assert page.status == 200, page.text[:2000]
        opinion = page.text.split('id="department-opinion"')[1][:200]
        assert "尚未反馈" not in opinion


def _field(text: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', text)
    assert found, text[:3000]
    return found.group(1)


def upload(client: Client, path: str, name: str, raw: bytes) -> Reply:
    """A multipart POST of one file with the CSRF token."""
    import urllib.request

    if client.cookie("csrftoken") is None:
        client.get("/login/")
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
             f"\r\n\r\n{client.cookie('csrftoken')}\r\n".encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
             f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode() + raw + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    return client._open(urllib.request.Request(
        client.base + path, data=b"".join(parts), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": client.base + path}))


def test_a_county_imported_on_one_host_is_served_by_the_other(
        hosts: Hosts) -> None:
    a, b, c = hosts
    street_c = Client(c.url).login("street", "street:S01")
    ok(street_c.get("/proposals/new/"))
    street_b = Client(b.url).login("street", "street:S01")  # a street sees every item
    assert IMPORTED not in ok(street_b.get("/proposals/new/")).text
    office_a = Client(a.url).login("office")
    office_b = same_browser(office_a, b.url)
    reply = upload(office_a, "/import/", WORKBOOK.name, WORKBOOK.read_bytes())
    assert reply.status == 302 and reply.location.endswith("/import/review/"), reply.text[:2000]
    review = ok(office_b.get("/import/review/"))  # the workbooks kept on A are read on B
    assert WORKBOOK.name in review.text
    before = snapshot(a)
    ok(office_b.post("/import/confirm/", {"fingerprint": _field(review.text, "fingerprint"),
                                          "revision": _field(review.text, "revision")}))
    assert snapshot(a) != before  # imported (on B, into the one county directory)
    pages = both((street_b, "/proposals/new/", None),
                 (same_browser(street_b, a.url), "/proposals/new/", None))
    for page in pages:  # both hosts serve the imported catalogue
        assert page.status == 200 and IMPORTED in page.text
    # C's own copy of the county is behind the store: C refuses rather than serve the old
    # county, or record it again over the new one at its next step
    before = snapshot(a)
    for path in ("/proposals/new/", "/login/"):
        page = street_c.get(path)
        assert page.status == 503 and "县区目录" in page.text and "Traceback" not in page.text
    assert snapshot(a) == before
    # given the directory as imported, C serves the new county without a restart
    shutil.rmtree(c.folder / "county")
    shutil.copytree(Path(a.env["DUTY_COUNTY"]), c.folder / "county")
    assert IMPORTED in ok(street_c.get("/proposals/new/")).text
