"""The jobs' pages: the office asks for every list as one zip file; the job's page shows how
far it has come (polled with htmx while it runs) and offers the file; a role that may not ask
is refused and nothing is queued; another account's job, or none, is "not found"."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile

from tests.conftest import ROOT
from tests.web.conftest import AppClient, Server


def ask(server: Server) -> tuple[AppClient, int]:
    office = AppClient(server).login("office")
    assert 'id="ask-lists"' in office.get("/lists/").text
    reply = office.post("/jobs/lists/", {"files": "csv"})
    assert reply.status == 302 and reply.location, reply.text[:300]
    found = re.fullmatch(r"/jobs/(\d+)/", reply.location)
    assert found, reply.location
    return office, int(found.group(1))


def check_done(office: AppClient, job: int) -> None:
    page = office.get(f"/jobs/{job}/").text
    assert 'data-state="done"' in page and "hx-trigger" not in page  # no more polling
    download = office.get(f"/jobs/{job}/download/")
    assert download.status == 200
    assert download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(_raw(office, job))) as z:
        assert "streets/S01.csv" in z.namelist()
    assert f'href="/jobs/{job}/"' in office.get("/jobs/").text


def _raw(office: AppClient, job: int) -> bytes:
    response = office.django.get(f"/jobs/{job}/download/")
    return b"".join(response.streaming_content)


def refused_and_hidden(server: Server, job: int) -> None:
    street = AppClient(server).login("street", "street:S01")
    assert 'id="ask-lists"' not in street.get("/lists/").text
    before = street.get("/jobs/").text.count('href="/jobs/')
    reply = street.post("/jobs/lists/", {"files": "csv"})
    assert reply.status == 302 and reply.location == "/lists/"
    assert "只有编办、司法局、县委或县政府可以" in street.get("/lists/").text
    assert street.get("/jobs/").text.count('href="/jobs/') == before == 0  # nothing queued
    assert street.get(f"/jobs/{job}/").status == 404  # another account's job
    assert street.get(f"/jobs/{job}/download/").status == 404
    office = AppClient(server).login("office")
    assert office.get("/jobs/9999/").status == 404


def test_every_list_as_a_job_inline_on_sqlite(web_app: Server) -> None:
    office, job = ask(web_app)  # run inline: done by the time the page is shown
    check_done(office, job)
    refused_and_hidden(web_app, job)


def test_every_list_as_a_job_on_postgresql(web_app_pg: Server) -> None:
    office, job = ask(web_app_pg)
    page = office.get(f"/jobs/{job}/").text
    assert 'data-state="queued"' in page and 'hx-trigger="every 2s"' in page
    part = office.get(f"/jobs/{job}/", headers={"HX-Request": "true"}).text
    assert part.startswith('<section id="job"') and "<html" not in part  # the part alone
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    run = subprocess.run([sys.executable, "-m", "engine.cli", "worker", "--burst"], cwd=ROOT,
                         env={**env, **web_app_pg.env}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    check_done(office, job)
    refused_and_hidden(web_app_pg, job)
