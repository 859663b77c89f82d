"""Who reads which proposal, written once (``engine.workflow.queries``) and the same through
both doors: one table of accounts, run through the command line (typer's runner) and the web
(Django's test client) on one store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from engine.workflow.queries import may_read
from engine.workflow.roles import Role, parse_role
from tests.conftest import run_cli
from tests.web.conftest import ACCOUNTS, AppClient, Server
from tests.web.test_permissions import FORM

PID = "P-VIS-1"  # the fire brigade's proposal, addressed to S01 only
# account, role it acts in, whether it may read the proposal
TABLE = [
    ("fire", "department:fire_rescue", True),
    ("urban", "department:urban_management", False),
    ("office", "office", True),
    ("justice", "justice", True),
    ("county", "county", True),
    ("street", "street:S01", True),
    ("street", "street:S02", False),
    ("s03", "street:S03", False),
    ("admin", "admin", False),
]


@pytest.fixture(scope="module")
def store(web_app: Server) -> Iterator[tuple[Server, dict[str, str]]]:
    """The proposal, submitted through the web, and a command-line token for every account."""
    from engine.api import keyed_store
    from engine.workflow.accounts import issue_token
    from engine.workflow.names import RoleKind
    from engine.workflow.roles import Actor, Clock

    fire = AppClient(web_app).login("fire")
    reply = fire.post("/proposals/new/", {**FORM, "id": PID, "streets": "S01",
                                          "do": "submit"})
    assert reply.status == 302, reply.text[:2000]
    admin = Actor("admin", Role(RoleKind.admin))
    with keyed_store(web_app.target()) as opened:
        tokens = {name: issue_token(opened, admin, Clock.real(), name).token
                  for name in ACCOUNTS}
    yield web_app, tokens


def cli(store: tuple[Server, dict[str, str]], monkeypatch: pytest.MonkeyPatch, account: str,
        role: str, *args: str) -> tuple[int, str, str]:
    server, tokens = store
    monkeypatch.setenv("DUTY_TOKEN", tokens[account])
    run = run_cli("proposal", *args, "--db", server.env["DUTY_DB"], "--as", role,
                  "--format", "json")
    return run.code, run.stdout, run.stderr


@pytest.mark.parametrize(("account", "role", "reads"), TABLE)
def test_the_same_table_through_both_doors(store: tuple[Server, dict[str, str]],
                                           monkeypatch: pytest.MonkeyPatch, account: str,
                                           role: str, reads: bool) -> None:
    server, _ = store
    # the command line
    for command in ("show", "history"):
        code, out, err = cli(store, monkeypatch, account, role, command, PID)
        if reads:
            assert code == 0, err
        else:  # exactly as for an id that does not exist, with no hint naming it
            absent = cli(store, monkeypatch, account, role, command, "P-VIS-2")
            assert "[E-NOTFOUND]" in err and out == "" and PID in err
            assert (code, err.replace(PID, "P-VIS-2")) == (absent[0], absent[2])
    code, out, err = cli(store, monkeypatch, account, role, "list")
    assert code == 0, err
    assert (PID in [p["id"] for p in json.loads(out)]) is reads
    code, out, err = cli(store, monkeypatch, account, role, "overdue")
    assert code == 0 and PID not in out  # nothing is late yet, and nothing hidden leaks
    # the web
    web = AppClient(server).login(account, role if len(ACCOUNTS[account][0]) > 1 else None)
    assert web.get(f"/proposals/{PID}/").status == (200 if reads else 404)
    assert (PID in web.get("/proposals/").text) is reads


def test_the_rule_is_the_tables() -> None:
    from engine.api import county_workspace

    county = county_workspace(None).county
    for _, role, reads in TABLE:
        assert may_read(parse_role(role, county), "fire_rescue", "department:fire_rescue",
                        ["S01"]) is reads, role
    assert may_read(None, "fire_rescue", "department:fire_rescue", ["S01"])  # local store
    street = parse_role("street:S03", county)
    assert may_read(street, "civil_affairs", "street:S03", ["S01"])  # its own application


def test_a_bad_clock_is_the_same_error_through_both_doors(
        store: tuple[Server, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.errors import UsageError
    from engine.web import runtime

    monkeypatch.setenv("DUTY_NOW", "next tuesday")
    code, _, err = cli(store, monkeypatch, "office", "office", "overdue")
    with pytest.raises(UsageError) as web:
        runtime.clock()
    assert code == UsageError.exit_code and err.startswith(web.value.render())
