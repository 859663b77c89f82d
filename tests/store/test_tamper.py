"""Someone who can write the database but does not hold the key: edits, deletes and inserts
in the account tables are refused by the next command and named by ``duty audit verify``; a
deleted proposal is named; an empty chain and a missing checkpoint file are warnings. On
SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.store.test_verify import kinds, verify
from tests.workflow.conftest import Flow


@pytest.fixture
def accounts(flow: Flow) -> Flow:
    """A store with an office account, a disabled account and a revoked token."""
    flow.token("office")
    flow.token("county")
    flow.token("justice")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    assert run_cli("user", "disable", "u-county", "--db", flow.db).code == 0
    assert run_cli("user", "token", "u-justice", "--revoke", "--db", flow.db).code == 0
    code, report = verify(flow)
    assert (code, report["problems"]) == (0, [])
    return flow


def _acts(flow: Flow, token: str) -> Any:
    """A command that acts, with ``token``."""
    flow.monkeypatch.setenv("DUTY_TOKEN", token)
    return run_cli("proposal", "list", "--county", flow.run_county, "--db", flow.db,
                   "--format", "json")


def _named(flow: Flow, username: str) -> bool:
    code, report = verify(flow)
    return code == 1 and any(p["kind"] == "account" and username in p["message"]
                             for p in report["problems"])


def _user_id(flow: Flow, username: str) -> int:
    return int(flow.sql("SELECT id FROM auth_user WHERE username = ?", username)[0][0])


def test_untouched_accounts_act(accounts: Flow) -> None:
    assert _acts(accounts, accounts.tokens["office"]).code == 0


def test_a_password_hash_set_in_the_database(accounts: Flow) -> None:
    from django.contrib.auth.hashers import make_password

    from engine.store.config import ensure_django

    ensure_django()
    accounts.sql("UPDATE auth_user SET password = ? WHERE username = 'u-office'",
                 make_password("attacker-Secret-9"))
    run = _acts(accounts, accounts.tokens["office"])
    assert run.code == 1 and "E-AUTH" in run.stderr and "u-office" in run.stderr
    assert _named(accounts, "u-office")


def test_a_revoked_token_brought_back(accounts: Flow) -> None:
    accounts.sql("UPDATE duty_api_token SET revoked = NULL")
    run = _acts(accounts, accounts.tokens["justice"])
    assert run.code == 1 and "E-AUTH" in run.stderr
    assert _named(accounts, "u-justice")


def test_a_disabled_account_enabled_again(accounts: Flow) -> None:
    accounts.sql("UPDATE auth_user SET is_active = ? WHERE username = 'u-county'", True)
    accounts.sql("UPDATE duty_api_token SET revoked = NULL WHERE user_id = ?",
                 _user_id(accounts, "u-county"))
    run = _acts(accounts, accounts.tokens["county"])
    assert run.code == 1 and "E-AUTH" in run.stderr
    assert _named(accounts, "u-county")


def test_a_token_planted_for_the_administrator(accounts: Flow) -> None:
    token = "duty_planted-token-of-the-attacker"
    accounts.sql("INSERT INTO duty_api_token (user_id, digest, hint, created, revoked) "
                 "VALUES (?, ?, 'aker', '2026-03-02T09:00:00+08:00', NULL)",
                 _user_id(accounts, "admin"), hashlib.sha256(token.encode()).hexdigest())
    run = _acts(accounts, token)
    assert run.code == 1 and "E-AUTH" in run.stderr
    assert _acts(accounts, accounts.tokens["admin"]).code == 1  # the account as a whole
    assert _named(accounts, "admin")


def test_a_role_granted_in_the_database(accounts: Flow) -> None:
    accounts.sql("INSERT INTO duty_role_binding (user_id, county, role, audit_seq) "
                 "SELECT user_id, county, 'admin', audit_seq FROM duty_role_binding "
                 "WHERE role = 'office'")
    run = _acts(accounts, accounts.tokens["office"])
    assert run.code == 1 and "E-AUTH" in run.stderr
    assert _named(accounts, "u-office")


def test_an_account_inserted_in_the_database(accounts: Flow) -> None:
    token = "duty_token-of-an-account-nobody-made"
    accounts.sql("INSERT INTO auth_user (password, is_superuser, username, first_name, "
                 "last_name, email, is_staff, is_active, date_joined) VALUES "
                 "('!', ?, 'intruder', '', '', '', ?, ?, '2026-03-02 01:00:00')",
                 False, False, True)
    uid = _user_id(accounts, "intruder")
    accounts.sql("INSERT INTO duty_role_binding (user_id, county, role, audit_seq) "
                 "SELECT ?, county, 'admin', 1 FROM duty_role_binding LIMIT 1", uid)
    accounts.sql("INSERT INTO duty_api_token (user_id, digest, hint, created, revoked) "
                 "VALUES (?, ?, 'body', '2026-03-02T09:00:00+08:00', NULL)",
                 uid, hashlib.sha256(token.encode()).hexdigest())
    run = _acts(accounts, token)
    assert run.code == 1 and "E-AUTH" in run.stderr
    assert _named(accounts, "intruder")


def test_the_newest_seal_deleted_to_bring_back_an_older_state(accounts: Flow) -> None:
    """Revocation undone with its seal: the older seal matches, but the record has a later
    change of the account."""
    accounts.sql("UPDATE duty_api_token SET revoked = NULL")
    accounts.sql("DELETE FROM duty_account_seal WHERE seq = (SELECT MAX(seq) FROM "
                 "duty_account_seal WHERE username = 'u-justice')")
    run = _acts(accounts, accounts.tokens["justice"])
    assert run.code == 1 and "E-AUTH" in run.stderr
    code, report = verify(accounts)
    assert code == 1 and "rows" in {k for _, k in kinds(report)}


def test_a_deleted_account_is_named(accounts: Flow) -> None:
    uid = _user_id(accounts, "u-justice")
    for table in ("duty_api_token", "duty_role_binding"):
        accounts.sql(f"DELETE FROM {table} WHERE user_id = ?", uid)
    accounts.sql("DELETE FROM auth_user WHERE id = ?", uid)
    assert _named(accounts, "u-justice")


def test_a_deleted_proposal_is_named(flow: Flow) -> None:
    pid = flow.submit()
    flow.sql("DELETE FROM duty_proposal WHERE id = ?", pid)
    code, report = verify(flow)
    assert code == 1 and "proposal" in {k for _, k in kinds(report)}
    assert any(pid in p["message"] for p in report["problems"])


def test_an_empty_chain_and_no_checkpoint_file_are_warnings(flow: Flow) -> None:
    (flow.tmp / "duty.db.checkpoints").unlink()
    code, report = verify(flow)
    assert code == 0 and [w["kind"] for w in report["warnings"]] == ["no-anchors"]
    run = run_cli("audit", "verify", "--db", flow.db)
    assert "警告［no-anchors］" in run.stdout
    for table in ("duty_audit", "duty_decision", "duty_opinion", "duty_meeting",
                  "duty_version_proposal", "duty_county_state", "duty_version_summary",
                  "duty_version_part", "duty_version_whole", "duty_version",
                  "duty_proposal", "duty_account_seal", "duty_api_token",
                  "duty_role_binding", "auth_user"):
        flow.sql(f"DELETE FROM {table}")
    flow.sql("UPDATE duty_audit_head SET seq = 0, mac = '' WHERE id = 1")
    code, report = verify(flow)  # the second copy outside the directory still names it
    assert code == 1 and {k for _, k in kinds(report)} == {"anchor"}
    flow.monkeypatch.setenv("DUTY_ANCHORS", "off")  # every anchor file lost
    code, report = verify(flow)
    assert code == 0 and report["entries"] == 0
    assert [w["kind"] for w in report["warnings"]] == ["empty", "no-anchors"]
    assert json.dumps(report, ensure_ascii=False).count("锚点") >= 1
