"""The suite says what it tested: a missing PostgreSQL server or chromium fails the tests that
need it under CI (and a named server that does not answer fails anywhere)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import services

UNREACHABLE = "postgresql://postgres@127.0.0.1:9/postgres"  # the discard port: nothing answers


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    services._pg_problem.cache_clear()
    services.chromium_path.cache_clear()
    yield
    services._pg_problem.cache_clear()
    services.chromium_path.cache_clear()


def test_unreachable_postgresql_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("DUTY_TEST_DATABASE_URL", UNREACHABLE)
    with pytest.raises(pytest.fail.Exception, match=r"127\.0\.0\.1:9/"):
        services.require_postgresql()


def test_a_named_server_that_does_not_answer_fails_without_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("DUTY_TEST_DATABASE_URL", UNREACHABLE)
    with pytest.raises(pytest.fail.Exception):
        services.require_postgresql()


def test_the_default_server_missing_is_a_skip_on_a_developers_machine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DUTY_TEST_DATABASE_URL", raising=False)
    monkeypatch.setattr(services, "DEFAULT_PG", UNREACHABLE)
    with pytest.raises(pytest.skip.Exception):
        services.require_postgresql()


def test_missing_chromium_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="chromium"):
        services.require_chromium()
    monkeypatch.setenv("CI", "false")
    services.chromium_path.cache_clear()
    with pytest.raises(pytest.skip.Exception):
        services.require_chromium()


def test_database_urls_keep_the_servers_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTY_TEST_DATABASE_URL", "postgresql://me@db.example:6543/postgres")
    assert services.pg_url("duty_x") == "postgresql://me@db.example:6543/duty_x"
