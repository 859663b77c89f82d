"""`duty audit verify` against someone who can write the database but does not hold the key:
every edit is found and named, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.workflow.conftest import Flow

MEETING = "区委常委会2026年第12次"


def verify(flow: Flow, *args: str) -> tuple[int, dict[str, Any]]:
    run = run_cli("audit", "verify", "--db", flow.db, "--format", "json", *args)
    assert "Traceback" not in run.stderr
    return run.code, json.loads(run.stdout) if run.stdout else {}


def kinds(report: dict[str, Any]) -> set[tuple[int | None, str]]:
    return {(p["seq"], p["kind"]) for p in report["problems"]}


@pytest.fixture
def published(flow: Flow) -> Flow:
    pid = flow.to_admitted()
    flow.publish(pid)
    code, report = verify(flow)
    assert (code, report["intact"], report["problems"]) == (0, True, [])
    return flow


def _entry_of(flow: Flow, table: str, where: str = "") -> int:
    return int(flow.sql(f"SELECT audit_seq FROM {table} {where} ORDER BY audit_seq LIMIT 1")[0][0])


@pytest.mark.parametrize(("table", "column", "value"), [
    ("duty_decision", "verdict", "rejected"),
    ("duty_opinion", "opinion", "object"),
    ("duty_meeting", "ref", "伪造的会议"),
    ("duty_version", "names", "{}"),
    ("duty_version_proposal", "proposal", "P-X"),
    ("duty_county_state", "county_revision", "0" * 64),
    ("duty_role_binding", "role", "county"),
])
def test_an_edit_of_any_covered_table_is_named(published: Flow, table: str, column: str,
                                               value: str) -> None:
    seq = _entry_of(published, table)
    published.sql(f"UPDATE {table} SET {column} = ? WHERE audit_seq = ?", value, seq)
    code, report = verify(published)
    assert code == 1 and not report["intact"]
    assert (seq, "rows") in kinds(report)


def test_a_deleted_row_is_named(published: Flow) -> None:
    seq = _entry_of(published, "duty_opinion")
    published.sql("DELETE FROM duty_opinion WHERE seq = (SELECT MIN(seq) FROM duty_opinion)")
    assert (seq, "rows") in kinds(verify(published)[1])


def test_an_edit_of_the_proposal_row_is_named(published: Flow) -> None:
    published.sql("UPDATE duty_proposal SET title = '改过的标题'")
    last = published.sql("SELECT MAX(seq) FROM duty_audit WHERE proposal = 'P-T-100'")[0][0]
    code, report = verify(published)
    assert code == 1 and (last, "record") in kinds(report)


def test_an_edit_of_an_entry_is_named(published: Flow) -> None:
    published.sql("UPDATE duty_audit SET account = 'someone-else' WHERE seq = 5")
    assert (5, "mac") in kinds(verify(published)[1])


def test_the_binding_of_the_store_is_checked(published: Flow) -> None:
    published.sql("UPDATE duty_meta SET value = 'false' WHERE key = 'rehearsal'")
    report = verify(published)[1]
    assert (1, "meta") in kinds(report)
    assert any(kind == "rehearsal" for _, kind in kinds(report))  # its fixed clocks


def test_a_chain_recomputed_without_the_key_is_found(published: Flow) -> None:
    """The writer edits an entry and recomputes every MAC with a key of their own."""
    from engine.store.audit import ENTRY_FIELDS, canonical

    published.sql("UPDATE duty_audit SET role = 'office' WHERE seq = 3")
    prev = ""
    for values in published.entries():
        values["prev"] = prev
        mac = hmac.new(b"not the key", canonical([values[f] for f in ENTRY_FIELDS]).encode(),
                       hashlib.sha256).hexdigest()
        published.sql("UPDATE duty_audit SET prev = ?, mac = ? WHERE seq = ?", prev, mac,
                      values["seq"])
        prev = mac
    last = published.sql("SELECT MAX(seq) FROM duty_audit")[0][0]
    published.sql("UPDATE duty_audit_head SET mac = ? WHERE id = 1", prev)
    code, report = verify(published)
    assert code == 1
    assert {seq for seq, kind in kinds(report) if kind == "mac"} == set(range(1, last + 1))


def _undo_publication(flow: Flow) -> int:
    """Delete the publication's entry, everything it wrote and the head that names it, and
    put the proposal row back as the meeting left it: a careful writer's cut. Returns the
    sequence number of the deleted entry."""
    last, = flow.sql("SELECT MAX(seq) FROM duty_audit")[0]
    at, = flow.sql("SELECT at FROM duty_audit WHERE seq = ?", last - 1)[0]
    mac, = flow.sql("SELECT mac FROM duty_audit WHERE seq = ?", last - 1)[0]
    flow.sql("DELETE FROM duty_audit WHERE seq = ?", last)
    flow.sql("UPDATE duty_audit_head SET seq = ?, mac = ? WHERE id = 1", last - 1, mac)
    flow.sql("DELETE FROM duty_version_summary WHERE version IN "
             "(SELECT number FROM duty_version WHERE audit_seq = ?)", last)
    for table in ("duty_decision", "duty_version_proposal", "duty_county_state",
                  "duty_version_part", "duty_version"):
        flow.sql(f"DELETE FROM {table} WHERE audit_seq = ?", last)
    flow.sql("UPDATE duty_proposal SET state = 'admitted', state_since = ?", at)
    return int(last)


def test_cut_end_found_against_an_anchor(published: Flow) -> None:
    anchor = verify(published)[1]["head"]
    (published.tmp / "duty.db.checkpoints").unlink()  # the writer also removed the checkpoints
    published.monkeypatch.setenv("DUTY_ANCHORS", "off")  # and the second copy was lost
    last = _undo_publication(published)
    code, report = verify(published)  # without an anchor the shorter chain holds together
    assert (code, report["problems"]) == (0, [])
    code, report = verify(published, "--expect", anchor)
    assert code == 1 and kinds(report) == {(last, "anchor")}


def test_cut_end_found_by_the_checkpoint_file(published: Flow) -> None:
    last = _undo_publication(published)
    code, report = verify(published)
    assert code == 1 and (last, "anchor") in kinds(report)


def test_every_entry_deleted_is_found_against_an_anchor(published: Flow) -> None:
    anchor = verify(published)[1]["head"]
    (published.tmp / "duty.db.checkpoints").unlink()
    published.monkeypatch.setenv("DUTY_ANCHORS", "off")  # the second copy lost too
    for table in ("duty_audit", "duty_decision", "duty_opinion", "duty_meeting",
                  "duty_version_proposal", "duty_county_state", "duty_version_summary",
                  "duty_version_part", "duty_version_whole", "duty_version",
                  "duty_proposal", "duty_role_binding", "duty_api_token",
                  "duty_account_seal", "duty_submission", "duty_step_note",
                  "duty_attachment", "auth_user"):
        published.sql(f"DELETE FROM {table}")
    published.sql("UPDATE duty_audit_head SET seq = 0, mac = '' WHERE id = 1")
    code, report = verify(published)
    assert code == 0 and report["entries"] == 0  # nothing left to contradict itself,
    assert {w["kind"] for w in report["warnings"]} == {"empty", "no-anchors"}  # but said
    code, report = verify(published, "--expect", anchor)
    assert code == 1 and {k for _, k in kinds(report)} == {"anchor"}


def test_a_clock_going_backwards_is_flagged(flow: Flow) -> None:
    flow.now("2026-03-10")
    pid = flow.submit()
    flow.now("2026-03-02")
    flow.review(pid)
    code, report = verify(flow)
    (seq, kind), = kinds(report)
    assert code == 1 and kind == "clock"
    assert flow.time(flow.sql("SELECT at FROM duty_audit WHERE seq = ?", seq)[0][0]) \
        .startswith("2026-03-02")
    assert flow.time(flow.sql("SELECT at FROM duty_audit WHERE seq = ?", seq - 1)[0][0]) \
        .startswith("2026-03-10")


def test_a_bad_anchor_is_a_usage_error(flow: Flow, golden: Any) -> None:
    run = run_cli("audit", "verify", "--db", flow.db, "--expect", "12:abc")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "12:abc" in run.stderr
    golden("errors/store_verify/bad-anchor.txt", run.stderr.replace(flow.target_name, "<store>"))


def test_a_wrong_key_is_refused(flow: Flow, tmp_path: Any, golden: Any) -> None:
    from engine.store.keys import create_key

    other = tmp_path / "other.key"
    create_key(other, "x")
    flow.monkeypatch.setenv("DUTY_AUDIT_KEY", str(other))
    run = run_cli("audit", "verify", "--db", flow.db)
    assert run.code == 1 and "[E-STORE]" in run.stderr and str(other) in run.stderr
    golden("errors/store_verify/wrong-key.txt", run.stderr.replace(flow.target_name, "<store>"))
