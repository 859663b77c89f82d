"""Review up the levels on the web: the county's admission goes to the city's account, which
approves or returns it on the proposal page; another city's account neither sees nor acts on
it, a county account may not take the city's step, and publication waits for the city."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import (
    ACCOUNTS,
    AppClient,
    Server,
    _seed,
    activate,
    deactivate,
    snapshot,
)
from tests.web.test_permissions import FORM

CITY = {"city": (["city:350600"], "city-Secret-1"),
        "othercity": (["city:350700"], "othercity-Secret-1")}
PID = "P-UP-1"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The web application in this process on a new store of the sample county, whose
    county.yaml asks for the city's review of its decisions; with two city accounts."""
    from engine.api import county_workspace
    from engine.paths import sample_county
    from engine.store.session import close
    from engine.web import runtime
    from engine.workflow.stores import open_service

    for name, account in CITY.items():
        monkeypatch.setitem(ACCOUNTS, name, account)
    county = tmp_path / "county"
    shutil.copytree(sample_county(), county)
    path = county / "county.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "city: {code: '350600', name: 漳州市}\nupward_review: {decision: [city]}\n"),
        encoding="utf-8")
    server = Server("", {"DUTY_DB": str(tmp_path / "duty.db")}, tmp_path)
    _seed(server, dict(ACCOUNTS))
    activate(server)
    close(runtime._service.store)
    runtime._service = open_service(county_workspace(county), server.target())
    try:
        yield server
    finally:
        deactivate()


def ok(c: AppClient, path: str, data: dict[str, str]) -> None:
    reply = c.post(path, data)
    assert reply.status == 302, (path, reply.status, reply.text[:3000])


def test_the_city_reviews_on_the_proposal_page(app: Server) -> None:
    ok(AppClient(app).login("fire"), "/proposals/new/", {**FORM, "id": PID, "do": "submit"})
    office = AppClient(app).login("office")
    ok(office, f"/proposals/{PID}/review/", {})
    ok(AppClient(app).login("justice"), f"/proposals/{PID}/legal/", {"result": "passed"})
    ok(AppClient(app).login("street", "street:S01"), f"/proposals/{PID}/opinion/",
       {"street": "S01", "opinion": "agree", "note": ""})
    county = AppClient(app).login("county")
    ok(county, f"/proposals/{PID}/decide/",
       {"outcome": "admit", "body": "区委常委会", "ref": "2026年第1次"})

    city = AppClient(app).login("city")
    page = city.get(f"/proposals/{PID}/").text
    assert 'data-state="city_review"' in page and 'id="do-city_review-approve"' in page
    assert PID in city.get("/").text  # on the city's to-do list

    # refusals change nothing: another city, the county, the office publishing early
    other = AppClient(app).login("othercity")
    assert other.get(f"/proposals/{PID}/").status == 404
    assert PID not in other.get("/proposals/").text
    for c, path, data, status in (
            (other, "city_review", {"result": "approve"}, 404),
            (county, "city_review", {"result": "approve"}, 403),
            (office, "publish", {}, 409)):
        before = snapshot(app)
        reply = c.post(f"/proposals/{PID}/{path}/", data)
        assert reply.status == status, (path, reply.status, reply.text[:2000])
        assert "Traceback" not in reply.text
        assert snapshot(app) == before

    # a return without its reasons is sent back to the form
    before = snapshot(app)
    reply = city.post(f"/proposals/{PID}/city_review/", {"result": "return"})
    assert reply.status == 400 and "退回重新审定须写明审核意见" in reply.text
    assert snapshot(app) == before

    ok(city, f"/proposals/{PID}/city_review/", {"result": "approve", "text": "同意报送"})
    page = office.get(f"/proposals/{PID}/").text
    assert 'data-state="admitted"' in page and "市级审核同意" in page and "同意报送" in page
    ok(office, f"/proposals/{PID}/publish/", {})
    assert 'data-state="published"' in office.get(f"/proposals/{PID}/").text
