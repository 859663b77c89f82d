"""The office imports the county's catalogue on the web: upload → report → corrections →
confirm, in process through Django's test client, on a copy of the sample county served from
its own directory. Bad workbooks and other roles are refused next to the field, with nothing
changed in the store or in the county directory."""

from __future__ import annotations

import io
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.paths import sample_county
from tests.conftest import ROOT
from tests.services import pg_create, pg_url, require_postgresql
from tests.web.conftest import ACCOUNTS, AppClient, Server, activate, deactivate, snapshot

REAL = ROOT / "tests" / "data" / "real_rows"


def _serve(folder: Path, env: dict[str, str]) -> Server:
    """A new store of a copy of the sample county (``folder/county``), served in process from
    that directory."""
    from engine.store.session import close
    from engine.web import runtime
    from engine.web.demo import seed
    from engine.workflow.roles import Clock
    from engine.workflow.stores import open_service

    county = folder / "county"
    shutil.copytree(sample_county(), county)
    server = Server("", env, folder)
    seed(county, server.target(), [(n, r, p) for n, (r, p) in ACCOUNTS.items()], Clock.real())
    activate(server)
    from engine.api import county_workspace

    assert runtime._service is not None
    close(runtime._service.store)
    runtime._service = open_service(county_workspace(county), server.target())
    return server


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    if request.param == "sqlite":
        server = _serve(tmp_path, {"DUTY_DB": str(tmp_path / "duty.db")})
        try:
            yield server
        finally:
            deactivate()
        return
    admin_url = require_postgresql()
    import psycopg

    name = f"duty_import_{uuid.uuid4().hex[:12]}"
    pg_create(name)
    try:
        yield _serve(tmp_path, {"DUTY_DATABASE_URL": pg_url(name),
                                "DUTY_AUDIT_KEY": str(tmp_path / "audit.key")})
    finally:
        deactivate()
        from django.db import connections

        for alias in list(connections.databases):
            if name in str(connections.databases[alias].get("NAME", "")):
                connections[alias].close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_site(tmp_path: Path) -> Iterator[Server]:
    server = _serve(tmp_path, {"DUTY_DB": str(tmp_path / "duty.db")})
    try:
        yield server
    finally:
        deactivate()


def upload(name: str, raw: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw)


def county_files(server: Server) -> dict[str, bytes]:
    root = server.folder / "county"
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def audit(server: Server, action: str) -> list[dict[str, Any]]:
    from engine.store.orm import m
    from engine.store.session import close, transaction
    from engine.workflow.stores import open_keyed

    store = open_keyed(server.target())
    try:
        with transaction(store, write=False):
            return [{"account": e.account, "role": e.role, "detail": e.detail}
                    for e in m.AuditEntry.objects.filter(action=action).order_by("seq")]
    finally:
        close(store)


def own_export(tmp_path: Path) -> bytes:
    """The sample county's lists as the tool writes them (xlsx, with the catalogue codes)."""
    from tests.conftest import run_cli

    out = tmp_path / "lists.xlsx"
    run = run_cli("lists", "build", "--format", "xlsx", "--with-rules", "-o", out)
    assert run.code == 0, run.stderr
    return out.read_bytes()


def test_upload_report_correct_confirm(site: Server, tmp_path: Path) -> None:
    office = AppClient(site).login("office")
    assert office.get("/import/").status == 200
    raw = (REAL / "xian_quanze.csv").read_bytes()
    before = snapshot(site)
    reply = office.post("/import/", {"files": upload("xian_quanze.csv", raw)})
    assert reply.status == 302 and reply.location.endswith("/import/review/"), reply.text[:2000]
    assert snapshot(site) == before  # a report changes nothing
    page = office.get("/import/review/")
    assert page.status == 200, page.text[:2000]
    assert 'id="items"' in page.text and "由权力类型" in page.text  # the words that decided
    assert "部门自行履行" in page.text and 'id="import-changes"' in page.text
    from engine.importing.county import ImportPreview
    from engine.web.views.imports import _CACHE

    preview: ImportPreview = next(iter(_CACHE.values()))
    row = next(r for r in preview.rows if r.phases[0] == "penalty")
    assert row.why["phases"]
    # a correction: the main phase becomes inspection, the field of work a new word
    reply = office.post("/import/review/", {"item": row.id, "category": "specialist",
                                            "phases": ["inspection", "penalty"],
                                            "main": "inspection", "domain": "消防救援"})
    assert reply.status == 302, reply.text[:2000]
    page = office.get("/import/review/?page=1")
    preview = next(iter(_CACHE.values()))
    fixed = next(r for r in preview.rows if r.id == row.id)
    assert fixed.phases == ["inspection", "penalty"] and fixed.domain == "消防救援"
    assert set(fixed.corrected) == {"phases", "domain"}
    assert "按导入时的更正" in fixed.why["phases"]
    assert "消防救援" in preview.report.proposed_domains and 'id="proposed-domains"' in page.text
    # the new word mapped to the pack's instead
    reply = office.post("/import/review/", {"word": "消防救援", "meant": "平安法治"})
    assert reply.status == 302
    office.get("/import/review/")
    preview = next(iter(_CACHE.values()))
    assert "消防救援" not in preview.report.proposed_domains
    assert next(r for r in preview.rows if r.id == row.id).domain == "平安法治"
    # the corrections as a mapping file, for the command line's --map
    text = office.get("/import/review/?format=yaml").text
    assert "inspection" in text and "平安法治" in text
    assert snapshot(site) == before  # corrections change nothing either
    old = county_files(site)
    reply = office.post("/import/confirm/", {"fingerprint": preview.fingerprint,
                                             "revision": preview.revision})
    assert reply.status == 302, reply.text[:3000]
    entries = audit(site, "county_import")
    assert len(entries) == 1 and entries[0]["account"] == "office"
    detail = entries[0]["detail"]
    assert detail["files"][0]["name"] == "xian_quanze.csv" and detail["corrections"] == 1
    assert detail["items"] == preview.report.items and detail["revision"] != detail["previous"]
    new = county_files(site)
    assert new != old and "items/catalogue.yaml" in new and "synonyms.yaml" in new
    assert "inspection" in new["items/catalogue.yaml"].decode()
    # the web serves the new county at once
    from engine.web import runtime

    assert row.id in runtime.service().base.county.items
    assert office.get("/import/review/").status == 302  # nothing left to confirm


def test_round_trip_of_the_own_export_changes_little(sqlite_site: Server,
                                                     tmp_path: Path) -> None:
    office = AppClient(sqlite_site).login("office")
    reply = office.post("/import/", {"files": upload("清单.xlsx", own_export(tmp_path))})
    assert reply.status == 302, reply.text[:2000]
    page = office.get("/import/review/")
    assert page.status == 200
    from engine.web.views.imports import _CACHE

    preview = next(iter(_CACHE.values()))
    assert not preview.removed and not preview.added and preview.blocked is None


def test_a_stale_preview_is_refused(sqlite_site: Server) -> None:
    office = AppClient(sqlite_site).login("office")
    raw = (REAL / "xian_quanze.csv").read_bytes()
    assert office.post("/import/", {"files": upload("a.csv", raw)}).status == 302
    office.get("/import/review/")
    before, files = snapshot(sqlite_site), county_files(sqlite_site)
    reply = office.post("/import/confirm/", {"fingerprint": "0" * 64, "revision": "x"})
    assert reply.status == 409 and 'id="refusal"' in reply.text
    assert snapshot(sqlite_site) == before and county_files(sqlite_site) == files


def _wide() -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(["事项名称", *(f"列{i}" for i in range(3000))])
    sheet.append(["事项", *range(3000)])
    data = io.BytesIO()
    wb.save(data)
    return data.getvalue()


def _bomb() -> bytes:
    from engine.importing import reader

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/worksheets/sheet1.xml", "w") as part:
        zeros = b"\x00" * (1 << 20)
        for _ in range(reader.MAX_EXPANDED // len(zeros) + 1):
            part.write(zeros)
    return data.getvalue()


def _empty() -> bytes:
    data = io.BytesIO()
    Workbook().save(data)
    return data.getvalue()


BAD = {
    "not-a-list": ("图片.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片.xlsx"),
    "no-list-columns": ("说明.csv", lambda: "标题,内容\n通知,明天开会\n".encode(), "不是事项清单"),
    "empty": ("空.xlsx", _empty, "没有可导入的事项"),
    "zip-bomb": ("炸弹.xlsx", _bomb, "解压后超过"),
    "wide": ("宽.xlsx", _wide, "列超过 200 的上限"),
    "not-a-workbook": ("清单.pdf", lambda: b"%PDF-1.4", "不是 .xlsx 或 .csv 文件"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_workbooks_are_refused_next_to_the_field(sqlite_site: Server, case: str) -> None:
    name, make, words = BAD[case]
    office = AppClient(sqlite_site).login("office")
    before, files = snapshot(sqlite_site), county_files(sqlite_site)
    reply = office.post("/import/", {"files": upload(name, make())})
    assert reply.status in (400, 413), (case, reply.status)
    assert 'id="field-files"' in reply.text and "field-error" in reply.text
    assert words in reply.text, reply.text[-3000:]
    assert ">None<" not in reply.text
    assert "Traceback" not in reply.text
    assert snapshot(sqlite_site) == before and county_files(sqlite_site) == files
    assert office.get("/import/review/").status == 302  # nothing kept for a report


def test_a_50_mb_upload_is_refused_unread(sqlite_site: Server) -> None:
    office = AppClient(sqlite_site).login("office")
    before, files = snapshot(sqlite_site), county_files(sqlite_site)
    big = b"\xe4\xba\x8b\xe9\xa1\xb9\xe5\x90\x8d\xe7\xa7\xb0\n" + b"a,b\n" * (50 * 1024 * 256)
    reply = office.post("/import/", {"files": upload("大.csv", big)})
    assert reply.status == 413 and 'id="field-files"' in reply.text
    assert "不能超过 16 MB" in reply.text
    assert snapshot(sqlite_site) == before and county_files(sqlite_site) == files


def test_over_the_page_limit_is_refused_by_the_form(sqlite_site: Server) -> None:
    from django.test import override_settings

    office = AppClient(sqlite_site).login("office")
    with override_settings(MAX_IMPORT_BYTES=1024):
        reply = office.post("/import/", {"files": upload("a.csv", b"x" * 1500)})
    assert reply.status == 400 and "文件过大" in reply.text and 'id="field-files"' in reply.text


@pytest.mark.parametrize("user,role", [("admin", None), ("fire", None), ("justice", None),
                                       ("county", None), ("street", "street:S01")])
def test_other_roles_are_refused_and_nothing_changes(sqlite_site: Server, user: str,
                                                     role: str | None) -> None:
    c = AppClient(sqlite_site).login(user, role)
    raw = (REAL / "xian_quanze.csv").read_bytes()
    before, files = snapshot(sqlite_site), county_files(sqlite_site)
    assert c.get("/import/").status == 404
    assert c.post("/import/", {"files": upload("a.csv", raw)}).status == 404
    assert c.get("/import/review/").status == 404
    assert c.post("/import/confirm/", {"fingerprint": "x", "revision": "y"}).status == 404
    assert snapshot(sqlite_site) == before and county_files(sqlite_site) == files


def test_the_engine_refuses_other_roles_too(sqlite_site: Server) -> None:
    from engine.api import import_apply, import_preview
    from engine.errors import ForbiddenError
    from engine.web import runtime
    from engine.workflow.roles import Actor, Clock, parse_role

    service = runtime.service()
    raw = (REAL / "xian_quanze.csv").read_bytes()
    for role in ("admin", "county", "department:fire_rescue"):
        actor = Actor("x", parse_role(role, service.base.county))
        with pytest.raises(ForbiddenError):
            import_preview(service, actor, [("a.csv", raw)], None)
        with pytest.raises(ForbiddenError):
            import_apply(service, actor, Clock.real(), [("a.csv", raw)], None, "", "", {})


def test_a_county_changed_after_the_preview_is_refused(sqlite_site: Server) -> None:
    office = AppClient(sqlite_site).login("office")
    raw = (REAL / "xian_quanze.csv").read_bytes()
    assert office.post("/import/", {"files": upload("a.csv", raw)}).status == 302
    office.get("/import/review/")
    from engine.web.views.imports import _CACHE

    preview = next(iter(_CACHE.values()))
    synonyms = sqlite_site.folder / "county" / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "\n# 另一位同志的改动\n",
                        encoding="utf-8")
    before, files = snapshot(sqlite_site), county_files(sqlite_site)
    reply = office.post("/import/confirm/", {"fingerprint": preview.fingerprint,
                                             "revision": preview.revision})
    assert reply.status == 409 and "预览之后已有变更" in reply.text
    assert snapshot(sqlite_site) == before and county_files(sqlite_site) == files
    assert not list(sqlite_site.folder.glob(".county.*"))  # nothing staged is left behind


def test_the_workbooks_of_several_streets_upload_together(sqlite_site: Server,
                                                          tmp_path: Path) -> None:
    from tests.conftest import run_cli

    books = []
    for street in ("S01", "S02"):
        path = tmp_path / f"{street}.xlsx"
        assert run_cli("lists", "build", "--format", "xlsx", "--street", street, "-o",
                       path).code == 0
        books.append(upload(path.name, path.read_bytes()))
    office = AppClient(sqlite_site).login("office")
    reply = office.post("/import/", {"files": books})
    assert reply.status == 302, reply.text[:2000]
    page = office.get("/import/review/")
    assert "S01.xlsx" in page.text and "S02.xlsx" in page.text
    assert "个街道的工作簿中" in page.text  # the merged items, with why
    twice = office.post("/import/", {"files": [upload("a.csv", b"x"), upload("a.csv", b"y")]})
    assert twice.status == 400 and "文件名重复" in twice.text
