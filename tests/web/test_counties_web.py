"""The web application on a store of many counties: each county's `duty serve` serves its own
schema (``DUTY_STORE_COUNTY``), so a county's log-in and session are nothing in another
county; the city reviews both counties' admissions in the browser; the province page compares
every county of the store."""

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
from tests.services import pg_create, pg_url, require_chromium, require_postgresql
from tests.web.browser import Person
from tests.web.browser import launch as launch_browser
from tests.web.conftest import ACCOUNTS, Client, Server, free_port, launch, stop
from tests.web.inprocess import web_site
from tests.web.test_permissions import FORM

CITY = (["city:350600"], "city-Secret-1")  # an account in each county the city reviews
PID = "P-CITY-1"
# both counties ask for the city's review of their decisions
UPWARD = "city: {code: '350600', name: 漳州市}\nupward_review: {decision: [city]}\n"
EAST_ONLY = "s03"  # west holds every account but east's street S03


def _admitted(server: Server) -> None:
    """A proposal taken through the county's procedure to the city's review, each step by its
    party, as the web forms send them."""
    steps = [("fire", "/proposals/new/", {**FORM, "id": PID, "do": "submit"}),
             ("office", f"/proposals/{PID}/review/", {}),
             ("justice", f"/proposals/{PID}/legal/", {"result": "passed"}),
             ("street", f"/proposals/{PID}/opinion/",
              {"street": "S01", "opinion": "agree", "note": ""}),
             ("county", f"/proposals/{PID}/decide/",
              {"outcome": "admit", "body": "县委常委会", "ref": "2026年第1次"})]
    for who, path, data in steps:
        reply = Client(server.url).login(who, "street:S01" if who == "street" else None) \
            .post(path, data)
        assert reply.status == 302, (who, path, reply.status, reply.text[:2000])


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    admin_url = require_postgresql()
    import psycopg

    from engine.store.config import store_target
    from engine.web.demo import seed
    from engine.workflow.roles import Clock

    accounts_saved = dict(ACCOUNTS)
    ACCOUNTS["city"] = CITY
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
            yaml = folder / "county" / "county.yaml"
            yaml.write_text(yaml.read_text(encoding="utf-8") + UPWARD, encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
            env.update({"DUTY_DATABASE_URL": pg_url(name), "DUTY_STORE_COUNTY": county,
                        "DUTY_AUDIT_KEY": str(shared / "province.key"),
                        "DUTY_COUNTY": str(folder / "county"), "PYTHONPATH": str(ROOT)})
            accounts = [(n, r, p) for n, (r, p) in ACCOUNTS.items()
                        if county == "east" or n != EAST_ONLY]
            seed(folder / "county", store_target(url=pg_url(name), county=county), accounts,
                 Clock.real())
            servers[county] = Server(f"http://127.0.0.1:{free_port()}", env, folder)
        for server in servers.values():
            launch(server)
            _admitted(server)
        yield servers
    finally:
        ACCOUNTS.clear()
        ACCOUNTS.update(accounts_saved)
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
    # east's street account cannot log in at west
    s03 = Client(west.url)
    s03.get("/login/")
    reply = s03.post("/login/", {"username": "s03", "password": ACCOUNTS["s03"][1]})
    assert reply.status == 200 and "账号或密码" in reply.text
    assert Client(east.url).login("s03").get("/proposals/").status == 200


@pytest.mark.browser
def test_the_city_reviews_both_counties_in_the_browser(counties: dict[str, Server],
                                                       tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    with sync_playwright() as pw:
        browser = launch_browser(pw, chromium)
        try:
            for county in ("east", "west"):
                city = Person(browser, counties[county], "city", tmp_path)
                assert PID in city.page.inner_text("main")  # on the city's to-do list
                city.open(PID)
                assert city.state() == "city_review"
                city.page.fill("textarea[name=text]", f"{county}：同意报送")
                city.page.click("#do-city_review-approve")
                city.page.wait_for_load_state()
                city.open(PID)
                assert city.state() == "admitted"
                city.context.close()
            # east's office, in its browser, is refused west's pages and downloads
            office = Person(browser, counties["east"], "office", tmp_path)
            office.open(PID)
            assert office.state() == "admitted"
            for page in (f"/proposals/{PID}/", "/lists/", "/province/", "/jobs/"):
                office.page.goto(counties["west"].url + page)
                assert "/login/" in office.page.url, page
            office.context.close()
        finally:
            browser.close()


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
