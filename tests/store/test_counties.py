"""Many counties in one PostgreSQL store: each its own schema, with its own accounts,
proposals, versions and audit chain; a county's account is nothing in another county; the
province reads every county's newest published lists from the store."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MINI, Run, proposal, run_cli, write_yaml
from tests.workflow.conftest import pg_database

NOW = "2026-03-02T09:00:00+08:00"


class Province:
    """One PostgreSQL database holding the counties east and west (copies of MINI)."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
        self.tmp, self.monkeypatch, self.url = tmp, monkeypatch, url
        monkeypatch.setenv("DUTY_DATABASE_URL", url)
        monkeypatch.setenv("DUTY_AUDIT_KEY", str(tmp / "province.key"))
        monkeypatch.setenv("DUTY_NOW", NOW)
        monkeypatch.delenv("DUTY_TOKEN", raising=False)
        self.dirs: dict[str, Path] = {}
        self.admins: dict[str, str] = {}
        for county in ("east", "west"):
            directory = tmp / county
            shutil.copytree(MINI, directory)
            self.dirs[county] = directory
            self.county(county)
            assert run_cli("store", "init", "--county", directory, "--rehearsal").code == 0
            run = run_cli("user", "add", f"admin-{county}", "--role", "admin",
                          "--county", directory)
            assert run.code == 0, run.stderr
            self.admins[county] = run.stdout.splitlines()[-1]

    def county(self, county: str | None) -> None:
        if county is None:
            self.monkeypatch.delenv("DUTY_STORE_COUNTY", raising=False)
        else:
            self.monkeypatch.setenv("DUTY_STORE_COUNTY", county)

    def as_(self, county: str, token: str | None = None) -> None:
        """Act in ``county`` with ``token`` (default: its administrator's)."""
        self.county(county)
        self.monkeypatch.setenv("DUTY_TOKEN", token or self.admins[county])

    def token(self, county: str, name: str, role: str) -> str:
        self.as_(county)
        run = run_cli("user", "add", name, "--role", role, "--token",
                      "--county", self.dirs[county])
        assert run.code == 0, run.stderr
        return run.stdout.splitlines()[-1]


@pytest.fixture
def province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Province]:
    with pg_database(migrated=False) as url:
        yield Province(tmp_path, monkeypatch, url)


def _error(run: Run) -> str:
    return run.stderr.splitlines()[0] if run.stderr else ""


def test_each_county_keeps_its_own_accounts_proposals_and_chain(province: Province) -> None:
    dept = province.token("east", "d-east", "department:fire_rescue")
    path = write_yaml(province.tmp / "p.yaml", proposal())
    province.as_("east", dept)
    run = run_cli("proposal", "submit", path, "--county", province.dirs["east"])
    assert run.code == 0, run.stderr
    pid = proposal()["id"]
    office = province.token("east", "o-east", "office")
    province.as_("east", office)
    assert run_cli("proposal", "show", pid, "--county", province.dirs["east"]).code == 0

    # east's accounts are nothing in west: refused, and west is unchanged
    for token in (dept, office, province.admins["east"]):
        province.as_("west", token)
        run = run_cli("proposal", "show", pid, "--county", province.dirs["west"])
        assert run.code != 0 and "[E-AUTH]" in _error(run)
    west_office = province.token("west", "o-west", "office")
    province.as_("west", west_office)
    run = run_cli("proposal", "show", pid, "--county", province.dirs["west"])
    assert run.code == 2 and "[E-NOTFOUND]" in _error(run)  # west never had it
    run = run_cli("proposal", "list", "--county", province.dirs["west"], "-f", "json")
    assert run.code == 0 and json.loads(run.stdout) == []

    entries = {}
    for county in ("east", "west"):
        province.as_(county)
        run = run_cli("audit", "verify", "--format", "json")
        report = json.loads(run.stdout)
        assert run.code == 0 and report["intact"], report
        entries[county] = report["entries"]
    assert entries["east"] > entries["west"]  # the submission is east's alone
    # one checkpoint file per county, beside the shared key
    assert sorted(p.name for p in province.tmp.glob("province.checkpoints.*")) == [
        "province.checkpoints.east", "province.checkpoints.west"]


def test_a_county_not_in_the_store_and_a_bad_id_are_refused(province: Province) -> None:
    province.county("north")
    run = run_cli("audit", "verify")
    assert run.code == 1 and "[E-NOTFOUND]" in _error(run) and "north" in _error(run)
    assert "east、west" in run.stderr  # the counties there
    province.county("East")
    run = run_cli("audit", "verify")
    assert run.code == 1 and "[E-STORE]" in _error(run) and "县区编号" in _error(run)
    province.monkeypatch.delenv("DUTY_DATABASE_URL")
    province.county("east")
    run = run_cli("audit", "verify", "--db", province.tmp / "one.db")
    assert run.code == 1 and "只有 PostgreSQL 数据库可存放多个县区" in _error(run)
    assert not (province.tmp / "one.db").exists()


def _compare(*args: str | Path) -> dict:
    run = run_cli("province", "compare", *args, "-f", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def test_the_province_reads_the_counties_published_lists(province: Province) -> None:
    province.county(None)
    from_store = _compare("--store")
    from_dirs = _compare("--county", province.dirs["east"], "--county", province.dirs["west"])
    assert [c["county"] for c in from_store["counties"]] == ["east", "west"]
    assert from_store == from_dirs
    assert _compare("--store", "--county", "west")["counties"] == from_dirs["counties"][1:]
    run = run_cli("province", "check", "--store", "-f", "json")
    assert run.code in (0, 1) and json.loads(run.stdout)["counties"][0]["county"] == "east"

    run = run_cli("province", "compare", "--store", "--county", "north")
    assert run.code == 1 and "[E-NOTFOUND]" in _error(run) and "east、west" in run.stderr
    from engine.errors import UsageError
    from engine.province.counties import stored_province
    from engine.province.views import load
    from engine.store.config import store_target

    with pytest.raises(UsageError, match="县区目录"):  # the load needs the streets' staffing
        load(stored_province(store_target()))


def test_a_summary_changed_without_the_key_is_not_believed(province: Province) -> None:
    import psycopg

    province.county(None)
    before = _compare("--store")
    with psycopg.connect(province.url, autocommit=True) as conn:
        # west's summary rewritten by someone without the key: its seal no longer holds
        row = conn.execute("SELECT summary FROM county_east.duty_version_summary").fetchone()
        blob = bytes(row[0])
        import zlib

        doc = json.loads(zlib.decompress(blob))
        assert doc["items"][0]["basic"]
        doc["items"][0]["basic"] = []  # the streets' basic lists made lighter
        conn.execute("UPDATE county_west.duty_version_summary SET summary = %s",
                     [zlib.compress(json.dumps(doc).encode())])
    assert _compare("--store") == before  # the lists themselves are read instead
    with psycopg.connect(province.url, autocommit=True) as conn:
        conn.execute("DELETE FROM county_east.duty_version_summary")
    assert _compare("--store") == before  # none kept: summed up from the lists


def test_the_province_needs_the_key_the_counties_were_made_with(province: Province) -> None:
    province.county(None)
    other = province.tmp / "other.key"
    other.write_text("00" * 32 + "\n", encoding="ascii")
    other.chmod(0o600)
    province.monkeypatch.setenv("DUTY_AUDIT_KEY", str(other))
    run = run_cli("province", "compare", "--store")
    assert run.code == 1 and "[E-STORE]" in _error(run) and "不属于该县区" in _error(run)


def test_every_county_of_the_store_is_migrated_in_turn(province: Province) -> None:
    province.county(None)
    run = run_cli("store", "migrate", "--all-counties", "-f", "json")
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [r["store"].rsplit("县区 ", 1)[1] for r in rows] == ["east）", "west）"]
    assert all(r["applied"] == [] for r in rows)  # both current already
    province.monkeypatch.delenv("DUTY_DATABASE_URL")
    run = run_cli("store", "migrate", "--all-counties", "--db", province.tmp / "one.db")
    assert run.code == 2 and "只有 PostgreSQL" in run.stderr
    assert not (province.tmp / "one.db").exists()
