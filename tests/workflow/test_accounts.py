"""Accounts: who may act, in which role, with which token; every refusal changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, run_cli
from tests.workflow.conftest import Flow


def user(flow: Flow, *args: str, token: str | None = None) -> tuple[int, str, str]:
    if token is None:
        flow.monkeypatch.delenv("DUTY_TOKEN", raising=False)
    else:
        flow.monkeypatch.setenv("DUTY_TOKEN", token)
    run = run_cli("user", *args, "--county", MINI, "--db", flow.db)
    assert "Traceback" not in run.stderr
    return run.code, run.stdout, run.stderr


def test_the_first_account_must_be_an_administrator(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DUTY_TOKEN", "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "duty.db"
    assert run_cli("store", "init", "--county", MINI, "--db", db).code == 0
    run = run_cli("user", "add", "clerk", "--role", "office", "--county", MINI, "--db", db)
    assert run.code == 1 and "[E-FORBIDDEN]" in run.stderr
    run = run_cli("user", "add", "boss", "--role", "admin", "--county", MINI, "--db", db)
    assert run.code == 0 and run.stdout.splitlines()[-1].startswith("duty_")
    # now there is an administrator: nobody else bootstraps
    run = run_cli("user", "add", "boss2", "--role", "admin", "--county", MINI, "--db", db)
    assert run.code == 1 and "[E-FORBIDDEN]" in run.stderr


def test_accounts_act_only_in_their_roles(flow: Flow, golden: Any) -> None:
    admin = flow.tokens["admin"]
    office = flow.token("office")
    pid = flow.submit()
    before = flow.snapshot()
    # a role the account does not hold
    flow.monkeypatch.setenv("DUTY_TOKEN", office)
    for args in (("review", pid, "--as", "justice"), ("legal", pid, "--passed", "--as",
                                                      "justice")):
        run = run_cli("proposal", *args, "--county", MINI, "--db", flow.db)
        assert run.code == 1 and "[E-FORBIDDEN]" in run.stderr and "justice" in run.stderr
        golden("errors/workflow_accounts/role-not-held.txt",
               run.stderr.replace(flow.target_name, "<store>"))
    # the administrator is no reviewer
    flow.monkeypatch.setenv("DUTY_TOKEN", admin)
    run = run_cli("proposal", "review", pid, "--county", MINI, "--db", flow.db)
    assert run.code == 1 and "[E-FORBIDDEN]" in run.stderr
    # no token, an unknown token
    flow.monkeypatch.delenv("DUTY_TOKEN")
    run = run_cli("proposal", "review", pid, "--as", "office", "--county", MINI, "--db", flow.db)
    assert run.code == 1 and "[E-AUTH]" in run.stderr and "DUTY_TOKEN" in run.stderr
    flow.monkeypatch.setenv("DUTY_TOKEN", "duty_not-a-token")
    run = run_cli("proposal", "list", "--county", MINI, "--db", flow.db)
    assert run.code == 1 and "[E-AUTH]" in run.stderr
    assert flow.snapshot() == before
    # and the office account may review
    flow.monkeypatch.setenv("DUTY_TOKEN", office)
    run = run_cli("proposal", "review", pid, "--county", MINI, "--db", flow.db)
    assert run.code == 0, run.stderr


def test_every_entry_names_the_account(flow: Flow) -> None:
    pid = flow.to_hearing()
    history = flow.history(pid)
    assert [(e["actor"], e["account"]) for e in history] == [
        ("department:fire_rescue", "u-department-fire_rescue"),
        ("department:fire_rescue", "u-department-fire_rescue"),
        ("office", "u-office"), ("office", "u-office"), ("justice", "u-justice")]


def test_disabled_accounts_and_revoked_tokens(flow: Flow) -> None:
    admin = flow.tokens["admin"]
    office = flow.token("office")
    pid = flow.submit()
    code, out, _ = user(flow, "token", "u-office", "--revoke", token=admin)
    assert code == 0 and "1 个令牌" in out
    flow.monkeypatch.setenv("DUTY_TOKEN", office)
    run = run_cli("proposal", "review", pid, "--county", MINI, "--db", flow.db)
    assert run.code == 1 and "[E-AUTH]" in run.stderr
    code, out, _ = user(flow, "token", "u-office", token=admin)
    fresh = out.splitlines()[-1]
    code, out, _ = user(flow, "disable", "u-office", token=admin)
    assert code == 0 and "已停用" in out
    flow.monkeypatch.setenv("DUTY_TOKEN", fresh)
    run = run_cli("proposal", "review", pid, "--county", MINI, "--db", flow.db)
    assert run.code == 1 and "[E-AUTH]" in run.stderr
    # (read from the database: the office account that reads for the tests is disabled)
    assert flow.sql("SELECT state FROM duty_proposal WHERE id = ?", pid) == [("submitted",)]


def test_only_administrators_manage_accounts(flow: Flow) -> None:
    office = flow.token("office")
    before = flow.snapshot()
    for args in (("add", "x", "--role", "office"), ("disable", "u-office"),
                 ("token", "u-office")):
        code, _, err = user(flow, *args, token=office)
        assert code == 1 and "[E-FORBIDDEN]" in err, (args, err)
    code, _, err = user(flow, "add", "u-office", "--role", "county", token=flow.tokens["admin"])
    assert code == 1 and "[E-CONFLICT]" in err
    assert flow.snapshot() == before


def test_user_list_and_stored_secrets(flow: Flow) -> None:
    flow.token("street:S01")
    run = run_cli("user", "list", "--db", flow.db, "--format", "json")
    accounts = {a["username"]: a for a in json.loads(run.stdout)}
    assert accounts["u-street-S01"] == {"username": "u-street-S01", "name": "",
                                        "active": True, "roles": ["street:S01"], "tokens": 1,
                                        "must_change": False}
    # tokens are kept as digests only
    stored = [r[0] for r in flow.sql("SELECT digest FROM duty_api_token")]
    assert len(stored) == len(flow.tokens) and all(len(t) == 64 for t in stored)
    assert not set(flow.tokens.values()) & set(stored)


def test_local_mode_is_refused_on_postgresql(flow: Flow, golden: Any) -> None:
    if not flow.url:
        pytest.skip("a PostgreSQL store")
    run = run_cli("store", "init", "--county", MINI, "--local")
    assert run.code == 1 and "[E-STORE]" in run.stderr and flow.target_name in run.stderr
    golden("errors/workflow_accounts/local-mode-on-postgresql.txt",
           run.stderr.replace(flow.target_name, "<store>"))


def test_passwords_use_argon2(flow: Flow) -> None:
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    from typer.testing import CliRunner

    from engine.cli import app

    result = CliRunner().invoke(app, ["user", "add", "web", "--role", "county",
                                      "--password-stdin", "--county", str(MINI), "--db",
                                      str(flow.db)], input="correct horse battery\n")
    assert result.exit_code == 0, result.stderr
    (password,) = flow.sql("SELECT password FROM auth_user WHERE username = 'web'")[0]
    assert password.startswith("argon2$")


@pytest.mark.parametrize("password", ["", "x", "12345678901", "password123"])
def test_weak_passwords_are_refused_on_the_command_line(flow: Flow, password: str) -> None:
    """Django's validators, the same as the web's: too short, all digits, common."""
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    from typer.testing import CliRunner

    from engine.cli import app

    before = flow.sql("SELECT COUNT(*) FROM duty_audit")
    result = CliRunner().invoke(app, ["user", "add", "weak", "--role", "county",
                                      "--password-stdin", "--county", str(MINI), "--db",
                                      str(flow.db)], input=password + "\n")
    assert result.exit_code == 1 and "E-PASSWORD" in result.stderr
    assert flow.sql("SELECT COUNT(*) FROM auth_user WHERE username = 'weak'") == [(0,)]
    assert flow.sql("SELECT COUNT(*) FROM duty_audit") == before


def test_the_last_administrator_cannot_be_disabled(flow: Flow) -> None:
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    before = flow.sql("SELECT COUNT(*) FROM duty_audit")
    run = run_cli("user", "disable", "admin", "--db", flow.db)
    assert run.code == 1 and "E-FORBIDDEN" in run.stderr
    assert flow.sql("SELECT COUNT(*) FROM duty_audit") == before
    assert run_cli("user", "add", "admin2", "--role", "admin", "--db", flow.db,
                   "--county", MINI).code == 0
    assert run_cli("user", "disable", "admin", "--db", flow.db).code == 0


def test_enable_and_reset_password_are_audited_and_sealed(flow: Flow) -> None:
    from engine.store.config import store_target
    from engine.store.session import close
    from engine.workflow.accounts import must_change_password
    from engine.workflow.stores import open_keyed

    token = flow.token("office")
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    assert run_cli("user", "disable", "u-office", "--db", flow.db).code == 0
    run = run_cli("user", "enable", "u-office", "--db", flow.db, "--format", "json")
    assert run.code == 0 and json.loads(run.stdout)["active"] is True
    flow.monkeypatch.setenv("DUTY_TOKEN", token)  # revoked when disabled, still
    assert run_cli("proposal", "list", "--county", MINI, "--db", flow.db).code == 1
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    run = run_cli("user", "reset-password", "u-office", "--db", flow.db, "--format", "json")
    assert run.code == 0
    temporary = json.loads(run.stdout)["token"]
    assert len(temporary) >= 12
    store = open_keyed(store_target(flow.db))
    try:
        assert must_change_password(store, "u-office")
        assert not must_change_password(store, "admin")
    finally:
        close(store)
    actions = [r[0] for r in flow.sql("SELECT action FROM duty_audit ORDER BY seq")][-3:]
    assert actions == ["user_disable", "user_enable", "password_reset"]
    code = run_cli("audit", "verify", "--db", flow.db).code
    assert code == 0


BAD_CSV = ("账号,姓名,角色,部门/街道\n"
           "dm-zhang,张明,街道,东门街道\n"
           "dm-zhang,张亮,街道,西关街道\n"      # twice
           "nh-li,李华,街道,南湖街道\n"         # no such street (南湖镇)
           "admin,王芳,县委编办,\n"             # exists already
           "tj-zhao,赵强,职能部门,\n")          # which department?
GOOD_CSV = ("姓名,账号,角色,部门/街道\n"
            "张明,dm-zhang,街道,东门街道\n"
            "李华,nh-li,街道（镇、乡）,南湖镇\n"
            "赵强,tj-zhao,职能部门,statistics\n"
            "钱进,bb-qian,编办,\n")


def test_import_accounts_from_a_csv_file(flow: Flow) -> None:
    """`duty user import`: every bad row reported with its line and column and nothing
    created; the good file creates every account with a temporary password, shown once."""
    office = flow.token("office")
    bad = flow.tmp / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8-sig")
    before = flow.snapshot()
    code, _, err = user(flow, "import", str(bad), token=flow.tokens["admin"])
    assert code == 1
    assert [(int(line), col) for line, col in re.findall(r"bad\.csv:(\d+) 字段 (\S+)：", err)] \
        == [(3, "账号"), (4, "部门/街道"), (5, "账号"), (6, "部门/街道")]
    assert "南湖镇" in err  # the street meant
    # nobody but the administrator imports, and without a token nobody does
    code, _, err = user(flow, "import", str(bad), token=office)
    assert code == 1 and "[E-FORBIDDEN]" in err
    code, _, err = user(flow, "import", str(flow.tmp / "missing.csv"),
                        token=flow.tokens["admin"])
    assert code == 1 and "Traceback" not in err
    assert flow.snapshot() == before
    good = flow.tmp / "good.csv"
    good.write_bytes(GOOD_CSV.encode("gb18030"))
    code, out, err = user(flow, "import", str(good), "--format", "json",
                          token=flow.tokens["admin"])
    assert code == 0, err
    issued = {i["username"]: i["token"] for i in json.loads(out)}
    assert sorted(issued) == ["bb-qian", "dm-zhang", "nh-li", "tj-zhao"]
    run = run_cli("user", "list", "--db", flow.db, "--format", "json")
    listed = {v["username"]: v for v in json.loads(run.stdout)}
    assert listed["nh-li"]["roles"] == ["street:S03"] and listed["nh-li"]["name"] == "李华"
    assert listed["tj-zhao"]["roles"] == ["department:statistics"]
    assert all(listed[u]["must_change"] for u in issued)
    assert not listed["admin"]["must_change"]
    text = run_cli("user", "list", "--db", flow.db).stdout
    assert "赵强" in text and "须修改密码" in text
    actions = [r[0] for r in flow.sql("SELECT action FROM duty_audit ORDER BY seq")][-5:]
    assert actions == ["user_import", "user_add", "user_add", "user_add", "user_add"]
    assert run_cli("audit", "verify", "--db", flow.db).code == 0


def test_a_temporary_password_stays_temporary_until_changed(flow: Flow, golden: Any) -> None:
    """Reset on the command line: the mark survives disabling, enabling and a new token, and
    only the account's own new password lifts it (the engine function the web calls)."""
    from engine.store.config import store_target
    from engine.store.session import close
    from engine.workflow.accounts import change_password, must_change_password
    from engine.workflow.roles import Clock
    from engine.workflow.stores import open_keyed

    flow.token("justice")
    admin = flow.tokens["admin"]
    code, out, _ = user(flow, "reset-password", "u-justice", token=admin)
    assert code == 0 and "临时密码" in out and "DUTY_TOKEN" not in out
    for args in (("disable", "u-justice"), ("enable", "u-justice"), ("token", "u-justice"),
                 ("grant", "u-justice", "--role", "county")):
        code, _, err = user(flow, *args, token=admin)
        assert code == 0, (args, err)
    store = open_keyed(store_target(flow.db))
    try:
        assert must_change_password(store, "u-justice")
        with pytest.raises(Exception) as weak:
            change_password(store, Clock.from_environment(), "u-justice", "1234567890")
        assert getattr(weak.value, "code", None) == "E-PASSWORD"
        assert must_change_password(store, "u-justice")
        change_password(store, Clock.from_environment(), "u-justice", "Justice-Own-Pass-3")
        assert not must_change_password(store, "u-justice")
    finally:
        close(store)
    actions = [r[0] for r in flow.sql("SELECT action FROM duty_audit ORDER BY seq")][-6:]
    assert actions == ["password_reset", "user_disable", "user_enable", "token_issue",
                       "user_grant", "password_set"]
    assert run_cli("audit", "verify", "--db", flow.db).code == 0
    # the last administrator is kept on the command line too, and nobody disables itself
    code, _, err = user(flow, "disable", "admin", token=admin)
    assert code == 1 and "[E-FORBIDDEN]" in err and "admin" in err
    golden("errors/workflow_accounts/the-last-administrator-is-kept.txt", err)
def _lock_out(flow: Flow, username: str, *addresses: str) -> None:
    """Failed web log-ins as django-axes records them: five at each address (a lock-out)."""
    from datetime import UTC, datetime

    from axes.models import AccessAttempt

    from engine.store.config import store_target
    from engine.store.router import using
    from engine.store.session import close
    from engine.workflow.stores import open_keyed

    store = open_keyed(store_target(flow.db))
    try:
        with using(store.alias):
            for address in addresses:
                AccessAttempt.objects.create(
                    username=username, ip_address=address, user_agent="test",
                    http_accept="*/*", path_info="/login/", get_data="", post_data="",
                    failures_since_start=5, attempt_time=datetime.now(UTC))
    finally:
        close(store)


def _attempts(flow: Flow) -> list[tuple[str, str]]:
    return sorted((u, str(a)) for u, a in flow.sql("SELECT username, ip_address FROM "
                                                    "axes_accessattempt"))


def test_unlock_lifts_an_accounts_lockouts_audited(flow: Flow) -> None:
    """``duty user unlock`` lifts every lock-out of one account through the engine function
    the web's lock-outs page uses (one audit entry); others' stay, refusals change nothing."""
    office = flow.token("office")
    _lock_out(flow, "u-office", "198.51.100.7", "203.0.113.9")
    _lock_out(flow, "u-county", "198.51.100.7")
    audit = flow.sql("SELECT COUNT(*) FROM duty_audit")
    locked = _attempts(flow)
    for token in (office, None):  # not an administrator, or no account at all
        code, _, err = user(flow, "unlock", "u-office", token=token)
        assert code == 1 and "[E-FORBIDDEN]" in err, err
    code, _, err = user(flow, "unlock", "nobody", token=flow.tokens["admin"])
    assert code == 2 and "[E-NOTFOUND]" in err and "nobody" in err, err
    assert (flow.sql("SELECT COUNT(*) FROM duty_audit"), _attempts(flow)) == (audit, locked)

    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    run = run_cli("user", "unlock", "u-office", "--county", MINI, "--db", flow.db,
                  "--format", "json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == {"username": "u-office", "failures": 10,
                                      "addresses": ["198.51.100.7", "203.0.113.9"]}
    assert _attempts(flow) == [("u-county", "198.51.100.7")]
    (account, action, detail), = flow.sql("SELECT account, action, detail FROM duty_audit "
                                          "ORDER BY seq DESC LIMIT 1")
    assert (account, action) == ("admin", "lockout_lift")
    assert flow.json(detail)["username"] == "u-office"
    # nothing left to lift: said so, nothing written
    code, out, _ = user(flow, "unlock", "u-office", token=flow.tokens["admin"])
    assert code == 0 and "没有登录锁定" in out
    assert flow.sql("SELECT COUNT(*) FROM duty_audit")[0][0] == audit[0][0] + 1
    assert run_cli("audit", "verify", "--db", flow.db).code == 0
