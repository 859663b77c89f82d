"""The published lists are served part by part, in the test's own process: a street's page,
a department's list, their downloads and the comparison of two versions read only the parts
they show (never the whole lists, which a national-scale county could not hold in memory),
and give what the whole lists give, for every role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.inprocess import web_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with web_site(tmp_path_factory.mktemp("by-part"), demo=True) as login:
        yield login


def _service() -> Any:
    from engine.web.runtime import service

    return service()


def _fresh() -> None:
    """Nothing kept from an earlier request: each read goes to the store."""
    from engine.web.views import lists as view
    from engine.workflow import queries

    queries._OPENED.clear()
    queries._KEPT.clear()
    view._TABLES.clear()
    view._DOWNLOADS.clear()


def _refuse_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a version's whole lists fails the test."""
    from engine.workflow import queries, versions

    def whole(*_: object) -> None:
        raise AssertionError("the whole lists were read")

    monkeypatch.setattr(versions, "version_lists", whole)
    monkeypatch.setattr(versions, "version_document", whole)
    monkeypatch.setattr(queries, "version_lists", whole)
    _fresh()


@pytest.fixture
def no_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_whole(monkeypatch)


def _newest() -> int:
    from engine.workflow import queries

    return queries.versions(_service().store)[0].number


def test_pages_read_only_the_parts_they_show(site: Any, no_whole: None) -> None:
    newest = _newest()
    assert newest >= 1  # the demonstration published a version
    office = site("office")
    page = office.get("/lists/", {"street": "S02"})
    assert page.status_code == 200
    assert 'data-item="' in page.content.decode()
    assert office.get("/lists/", {"dept_list": "fire_rescue"}).status_code == 200
    for query in ({"street": "S02"}, {"department": "fire_rescue"}):
        reply = office.get("/lists/download/", {**query, "format": "csv"})
        assert reply.status_code == 200, query
    assert office.get("/lists/diff/", {"from": 0, "to": newest}).status_code == 200


def _whole_scoped(number: int, streets: Any, departments: Any) -> Any:
    from engine.workflow.versions import version_lists

    lists, _ = version_lists(_service().store, number)
    return lists.model_copy(update={
        "streets": [s for s in lists.streets if streets is None or s.street in streets],
        "departments": [d for d in lists.departments
                        if departments is None or d.department in departments]})


@pytest.mark.parametrize("role", ["office", "department:fire_rescue", "street:S01", "county"])
def test_the_comparison_agrees_with_the_whole_lists(site: Any, role: str) -> None:
    from engine.lists.diff import diff_lists
    from engine.workflow import queries
    from engine.workflow.roles import Actor, parse_role

    _fresh()
    store = _service().store
    actor = Actor("tester", parse_role(role, _service().base.county))
    scope = queries.lists_scope(actor)
    newest = _newest()
    for old, new in [(0, newest), (newest - 1, newest), (newest, 0), (1, 1)]:
        got = queries.lists_diff(store, actor, old, new)
        names = (queries.published_version(store, old).names,
                 queries.published_version(store, new).names)
        expected = diff_lists(_whole_scoped(old, scope.streets, scope.departments),
                              _whole_scoped(new, scope.streets, scope.departments), names)
        assert got == expected, (role, old, new)
    assert queries.lists_diff(store, actor, 0, newest).changes  # something to compare


def test_a_county_of_many_streets_names_its_street_by_typing(
        site: Any, no_whole: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.web.views import lists as view

    monkeypatch.setattr(view, "STREET_CHOICES", 1)
    office = site("office")
    page = office.get("/lists/").content.decode()
    assert '<input type="search" name="street"' in page
    assert '<select name="street">' not in page
    name = _service().base.county.streets["S02"].name
    by_name = office.get("/lists/", {"street": name})
    assert by_name.status_code == 200
    assert f"{name} 基本履职事项清单" in by_name.content.decode()
    assert office.get("/lists/", {"street": "没有这个街道"}).status_code == 404


def test_a_street_reads_only_its_own(site: Any, no_whole: None) -> None:
    s03 = site("s03")
    assert s03.get("/lists/", {"street": "S03"}).status_code == 200
    assert s03.get("/lists/", {"street": "S02"}).status_code == 404
    assert s03.get("/lists/download/", {"street": "S02", "format": "csv"}).status_code == 404
    assert s03.get("/lists/", {"dept_list": "fire_rescue"}).status_code == 404
    fire = site("fire")
    assert fire.get("/lists/", {"dept_list": "urban_management"}).status_code == 404
    assert fire.get("/lists/download/", {"department": "urban_management",
                                         "format": "md"}).status_code == 404
    assert site("admin").get("/lists/").status_code == 404


def test_the_whole_county_download_is_each_accounts_own(site: Any) -> None:
    """A download of every list is kept per account's scope: a department given the file an
    office asked for first would read every department's list."""
    from engine.render.lists_files import render_lists
    from engine.workflow import queries
    from engine.workflow.versions import version_source

    _fresh()
    store = _service().store
    number = _newest()
    whole = site("office").get("/lists/download/", {"format": "md"}).content
    own = site("fire").get("/lists/download/", {"format": "md"}).content
    version = queries.published_version(store, number)
    expected = render_lists(version.lists(store, version.streets, ["fire_rescue"]),
                            version.names, "md", version_source(store, number))
    assert own.decode("utf-8") == expected
    assert own != whole


def test_a_whole_county_too_large_to_download_at_once(
        site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.web.views import lists as view

    _fresh()
    monkeypatch.setattr(view, "WHOLE_DOWNLOAD_STREETS", 1)
    office = site("office")
    reply = office.get("/lists/download/", {"format": "csv"})
    assert reply.status_code == 413
    assert "不能在网页上直接下载" in reply.content.decode()
    assert office.get("/lists/download/", {"street": "S01", "format": "csv"}).status_code == 200


def test_the_overview_of_many_streets_gives_the_totals(
        site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.lists.summary import summed
    from engine.web.views import overview as view
    from engine.workflow.versions import version_lists

    lists, _ = version_lists(_service().store, _newest())
    totals = summed(lists).totals()
    _refuse_whole(monkeypatch)
    monkeypatch.setattr(view, "CHARTED_STREETS", 1)
    page = site("office").get("/overview/").content.decode()
    assert "不逐街道作图" in page
    assert "<svg" not in page
    assert f"{totals.workload_days:,}" in page
    assert f"{sum(totals.funding.values()):,}" in page


def test_totals_changed_without_the_key_are_not_believed(site: Any) -> None:
    """The totals kept with each version are sealed: rewritten by someone without the key,
    they are summed up again from the lists (kept last: the store's totals are changed)."""
    from django.db import connection

    from engine.workflow import queries
    from engine.workflow.roles import Actor, parse_role

    _fresh()
    store = _service().store
    actor = Actor("tester", parse_role("office", _service().base.county))
    newest = _newest()
    before = queries.lists_diff(store, actor, 0, newest)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE duty_version_summary SET totals = %s",
                       [b'{"workload_days":1,"funding":{"fire_rescue":1}}'])
    _fresh()
    assert queries.lists_diff(store, actor, 0, newest) == before
    assert before.workload_days_after > 1
