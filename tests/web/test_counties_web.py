"""The web application on a store of many counties: each county's `duty serve` serves its own
schema (``DUTY_STORE_COUNTY``), so a county's log-in and session are nothing in another
county; the province page compares every county of the store."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.paths import sample_county
from tests.conftest import ROOT
from tests.services import pg_create, pg_url, require_postgresql
from tests.web.conftest import ACCOUNTS, Client, Server, free_port, launch, stop
from tests.web.inprocess import web_site

# west holds fewer accounts: east's department account is not one of west's
WEST = ("admin", "office", "county")


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    admin_url = require_postgresql()
    import psycopg

    from engine.store.config import store_target
    from engine.web.demo import seed
    from engine.workflow.roles import Clock

    name = f"duty_counties_{uuid.uuid4().hex[:12]}"
    pg_create(name, migrated=False)
    shared = tmp_path_factory.mktemp("counties")
    servers: dict[str, Server] = {}
    saved = os.environ.get("DUTY_AUDIT_KEY")
    os.environ["DUTY_AUDIT_KEY"] = str(shared / "province.key")
    try:
        for county in ("east", "west"):
            folder = shared / county
            shutil.copytree(sample_county(), folder / "county")
            env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
            env.update({"DUTY_DATABASE_URL": pg_url(name), "DUTY_STORE_COUNTY": county,
                        "DUTY_AUDIT_KEY": str(shared / "province.key"),
                        "DUTY_COUNTY": str(folder / "county"), "PYTHONPATH": str(ROOT)})
            accounts = [(n, r, p) for n, (r, p) in ACCOUNTS.items()
                        if county == "east" or n in WEST]
            seed(folder / "county", store_target(url=pg_url(name), county=county), accounts,
                 Clock.real())
            servers[county] = Server(f"http://127.0.0.1:{free_port()}", env, folder)
        for server in servers.values():
            launch(server)
        yield servers
    finally:
        if saved is None:
            os.environ.pop("DUTY_AUDIT_KEY", None)
        else:
            os.environ["DUTY_AUDIT_KEY"] = saved
        for server in servers.values():
            stop(server)
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_county_account_is_nothing_in_another_county(counties: dict[str, Server]) -> None:
    east, west = counties["east"], counties["west"]
    office = Client(east.url).login("office")
    assert office.get("/proposals/").status == 200
    # the same browser at west: east's session is not one of west's
    carried = Client(west.url)
    carried.jar, carried.opener = office.jar, office.opener
    for page in ("/", "/proposals/", "/lists/", "/audit/", "/province/"):
        reply = carried.get(page)
        assert reply.status == 302 and "/login/" in (reply.location or ""), (page, reply.status)
    # east's department account cannot log in at west
    fire = Client(west.url)
    fire.get("/login/")
    reply = fire.post("/login/", {"username": "fire", "password": ACCOUNTS["fire"][1]})
    assert reply.status == 200 and "账号或密码" in reply.text
    assert Client(east.url).login("fire").get("/proposals/").status == 200


def test_the_province_page_compares_every_county_of_the_store(
        counties: dict[str, Server]) -> None:
    east = counties["east"]
    page = Client(east.url).login("office").get("/province/")
    assert page.status == 200
    table = page.text.split('id="counties"', 1)[1].split("</table>", 1)[0]
    assert "<td>east</td>" in table and "<td>west</td>" in table
    chart = page.text.split('id="province-chart"', 1)[1].split("</figure>", 1)[0]
    assert chart.lstrip(">").startswith("<svg")
    assert "NY-007" in page.text.split('id="check"', 1)[1]  # the sample's recalled item
    assert Client(east.url).login("s03").get("/province/").status == 404
    assert Client(east.url).login("fire").get("/province/").status == 404


def test_a_store_of_one_county_says_so(tmp_path: Path) -> None:
    with web_site(tmp_path) as login:
        client: Any = login("office")
        reply = client.get("/province/")
        assert reply.status_code == 200
        assert "本数据库只存放一个县区" in reply.content.decode()
        assert login("s03").get("/province/").status_code == 404
