"""The audit key cannot be swapped unnoticed: its fingerprint is part of every anchor (the
checkpoint file, the second copy outside the store's directory, published lists); every
command refuses a key other than the one the anchors name, and ``verify`` names a key other
than the expected fingerprint. On SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import run_cli
from tests.store.test_verify import kinds, verify
from tests.workflow.conftest import Flow


def _resign_with_new_key(flow: Flow) -> str:
    """What someone who can write the store's directory and the database does: a new key
    file, the store's record of its fingerprint, every digest and MAC recomputed with it.
    Returns the new fingerprint."""
    from engine.store.audit import ENTRY_FIELDS, canonical
    from engine.store.keys import fingerprint

    key_file = flow.tmp / "duty.db.key"
    key = hashlib.sha256(b"another key").digest()
    key_file.write_text(key.hex() + "\n", encoding="ascii")
    key_file.chmod(0o600)
    import hmac

    prev = ""
    for values in flow.entries():
        values["prev"] = prev
        mac = hmac.new(key, canonical([values[f] for f in ENTRY_FIELDS]).encode(),
                       hashlib.sha256).hexdigest()
        flow.sql("UPDATE duty_audit SET prev = ?, mac = ? WHERE seq = ?", prev, mac,
                 values["seq"])
        prev = mac
    flow.sql("UPDATE duty_audit_head SET mac = ? WHERE id = 1", prev)
    flow.sql("UPDATE duty_meta SET value = ? WHERE key = 'key'", fingerprint(key))
    return fingerprint(key)


def _fingerprint(flow: Flow) -> str:
    from engine.store.keys import fingerprint

    return fingerprint(bytes.fromhex((flow.tmp / "duty.db.key").read_text().strip()))


def test_anchors_carry_the_key_fingerprint(flow: Flow) -> None:
    fp = _fingerprint(flow)
    lines = (flow.tmp / "duty.db.checkpoints").read_text(encoding="ascii").splitlines()
    assert lines and all(line.split(" ")[0].endswith(":" + fp) for line in lines)
    code, report = verify(flow, "--key-fingerprint", fp)
    assert (code, report["problems"], report["warnings"]) == (0, [], []), report


def test_a_swapped_key_is_refused_by_every_command(flow: Flow) -> None:
    old = _fingerprint(flow)
    new = _resign_with_new_key(flow)
    flow.monkeypatch.setenv("DUTY_TOKEN", flow.tokens["admin"])
    for args in (("proposal", "list", "--county", flow.run_county, "--db", flow.db),
                 ("audit", "verify", "--db", flow.db)):
        run = run_cli(*args)
        assert run.code == 1 and "E-STORE" in run.stderr
        assert old in run.stderr and new in run.stderr


def test_a_swapped_key_with_every_anchor_file_gone_is_named_by_its_fingerprint(
        flow: Flow) -> None:
    old = _fingerprint(flow)
    _resign_with_new_key(flow)
    (flow.tmp / "duty.db.checkpoints").unlink()
    flow.monkeypatch.setenv("DUTY_ANCHORS", "off")
    code, report = verify(flow)
    assert code == 0 and {w["kind"] for w in report["warnings"]} == {"no-anchors"}
    flow.monkeypatch.setenv("DUTY_KEY_FINGERPRINT", old)
    code, report = verify(flow)
    assert code == 1 and (None, "key") in kinds(report)
    assert any(old in p["message"] for p in report["problems"])


def test_the_second_copy_lives_outside_the_store_directory(flow: Flow) -> None:
    from engine.store.config import store_target

    target = store_target(flow.db)
    assert target.anchors is not None and target.anchors.is_file()
    assert Path(flow.db).parent.resolve() not in target.anchors.resolve().parents
    assert target.anchors.read_text(encoding="ascii") == \
        (flow.tmp / "duty.db.checkpoints").read_text(encoding="ascii")
