"""Shared test helpers: the test counties, proposal builders, the CLI runner, golden files."""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
import yaml
from typer.testing import CliRunner


def _django_as_the_web_runs_it() -> None:
    """Run Django in the test process with the web application's settings (before anything
    configures it for the command line), so that pages are tested in process with Django's
    test client. The command line's store settings are part of these. No database is opened
    here: each web test points ``default`` at its own store (``tests/web/app.py``)."""
    import secrets

    from django.conf import settings

    if settings.configured:
        return
    names = ("DUTY_DB", "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS",
             "DUTY_SECRET_KEY", "DUTY_ALLOWED_HOSTS")
    saved = {k: os.environ.pop(k) for k in names if k in os.environ}
    os.environ["DUTY_SECRET_KEY"] = secrets.token_urlsafe(32)  # made for this run only
    try:
        from engine.web import settings as web

        values = {k: getattr(web, k) for k in dir(web) if k.isupper()}
    finally:
        for k in names:
            os.environ.pop(k, None)
        os.environ.update(saved)
    values["ALLOWED_HOSTS"] = ["testserver"]
    values["DATABASES"] = {"default": {"ENGINE": "django.db.backends.sqlite3",
                                       "NAME": ":memory:"}}
    settings.configure(**values)
    import django

    django.setup()


_django_as_the_web_runs_it()

from engine.cli import app  # noqa: E402

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MINI = TESTS / "fixtures" / "mini"
GOLDEN = TESTS / "golden"


# Tests that take a minute of their own (browsers, real servers, fifty processes): started
# first, so that the run does not end waiting for one of them on a single worker
LONG_FIRST = ("tests/web/test_walkthrough.py", "tests/web/test_street_return_browser.py",
              "tests/workflow/test_concurrency.py", "tests/test_docs.py",
              "tests/web/test_import_browser.py", "tests/web/test_slow_clients.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff!)")


BASE_PROPOSAL: dict[str, Any] = {
    "schema_version": 1,
    "id": "P-T-100",
    "title": "测试申请",
    "department": "fire_rescue",
    "streets": "all",
    "mode": "hand_over",
    "item": {
        "name": "无物业小区消防通道巡查",
        "category": "specialist",
        "phases": ["patrol", "report"],
        "powers": [],
        "legal_basis": "《中华人民共和国消防法》第三十二条",
        "public_facing": False,
        "high_volume": False,
        "workload_days": 30,
    },
    "resources": {"funding": 20000, "staff": 0, "powers_delegated": []},
    "instruments": [],
    "higher_requirement": None,
    "work_plan": True,
    "legal_review": "passed",
    "hearing": {"S01": "agree", "S02": "agree", "S03": "agree", "S04": "agree"},
    "meeting": {"body": "区委常委会", "ref": "2026年第12次", "decided": True},
    "urgency": "normal",
}


def proposal(**changes: Any) -> dict[str, Any]:
    """The complete base proposal with top-level keys replaced; ``item__x`` sets item.x."""
    data = copy.deepcopy(BASE_PROPOSAL)
    for key, value in changes.items():
        if key.startswith("item__"):
            data["item"][key[6:]] = value
        elif key.startswith("resources__"):
            data["resources"][key[11:]] = value
        else:
            data[key] = value
    return data


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Run:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


# Typer builds the command tree from the app's functions on every invocation (about 20 ms);
# the tests invoke the same app thousands of times, so it is built once
typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]


def run_cli(*args: str | Path) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="session", autouse=True)
def _state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The second copy of stores' checkpoints goes to a state directory of the test run,
    not the home directory (servers the tests start inherit it)."""
    saved = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if saved is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = saved


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths this process flushes with ``os.fsync`` from now on, in order."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


def _normalise(text: str, tmp: Path | None) -> str:
    if tmp is not None:
        text = text.replace(str(tmp), "<tmp>")
    return re.sub(r"sha256:[0-9a-f]{12,64}", "sha256:<hash>", text)


@pytest.fixture
def golden(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Compare text with ``tests/golden/NAME`` byte for byte (``--update-golden`` rewrites)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str | bytes) -> None:
        path = GOLDEN / name
        data = text if isinstance(text, bytes) else _normalise(text, tmp_path).encode("utf-8")
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {name} is missing: run pytest --update-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert data == path.read_bytes(), f"output differs from golden/{name}"

    yield check
