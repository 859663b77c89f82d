"""Informed steps: the office's review notes and the justice bureau's legal opinion (text,
basis, attachments kept in the store under the audit chain), what a resubmission changed, a
street changing its opinion while the hearing is open, and several proposals published as one
version. Bad attachments and empty opinions are refused and change nothing (SQLite and
PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine.errors import AttachmentError, NoteError, RefusedError
from engine.workflow.names import Opinion
from engine.workflow.notes import (
    MAX_ATTACHMENT_BYTES,
    AttachmentIn,
    StepNote,
    check_attachment,
)
from engine.workflow.queries import Reader
from tests.conftest import run_cli
from tests.workflow.conftest import CLOCK, Flow, actor, service
from tests.workflow.test_service import refused

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(kind: str) -> bytes:
    """A minimal Word or Excel package (the parts that say what it is)."""
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<document/>")
    return out.getvalue()


def write(tmp: Path, name: str, content: bytes) -> Path:
    path = tmp / "files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


# --- the checks themselves --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("意见书.pdf", PDF, "pdf"), ("照片.PNG", PNG, "png"),
    ("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
    ("说明.docx", office_file("docx"), "docx"), ("测算.xlsx", office_file("xlsx"), "xlsx"),
    ("C:\\Users\\x\\审查.pdf", PDF, "pdf")])
def test_accepted_attachments(name: str, content: bytes, kind: str) -> None:
    checked = check_attachment(name, content)
    assert (checked.kind, checked.size) == (kind, len(content))
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert "\\" not in checked.name and "/" not in checked.name


@pytest.mark.parametrize(("case", "name", "content", "reason"), [
    ("exe", "run.exe", b"MZ" + b"0" * 50, "type"),
    ("png-as-pdf", "假的.pdf", PNG, "type"),
    ("docx-as-xlsx", "表格.xlsx", office_file("docx"), "type"),
    ("broken-docx", "坏的.docx", b"PK\x03\x04broken", "type"),
    ("empty", "空.pdf", b"", "empty"),
    ("too-large", "大.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES, "size"),
])
def test_refused_attachments(case: str, name: str, content: bytes, reason: str,
                             golden: Any) -> None:
    with pytest.raises(AttachmentError) as info:
        check_attachment(name, content)
    assert info.value.reason == reason and info.value.code == "E-ATTACHMENT"
    golden(f"errors/workflow_informed_steps/attachment-{case}.txt", info.value.render())


# --- through the command line and the service -------------------------------------------------


def test_review_and_legal_opinion_with_attachments(flow: Flow, golden: Any) -> None:
    pid = flow.submit()
    pdf = write(flow.tmp, "审核意见.pdf", PDF)
    flow.ok("review", pid, "--note", "事项清楚，经费随事转移", "--basis",
            "《关于推进街道职责准入的意见》第三条", "--attach", pdf, actor="office")
    sheet = write(flow.tmp, "测算.xlsx", office_file("xlsx"))
    flow.ok("legal", pid, "--passed", "--note", "符合消防法规定", "--attach", sheet,
            actor="justice")
    data = flow.show(pid)
    notes = data["notes"]
    assert [(n["action"], n["revision"], n["text"], n["basis"], n["actor"]) for n in notes] == [
        ("pass_review", 1, "事项清楚，经费随事转移", "《关于推进街道职责准入的意见》第三条",
         "office"),
        ("legal_pass", 1, "符合消防法规定", "", "justice")]
    files = [(a["name"], a["kind"], a["size"], a["sha256"]) for n in notes
             for a in n["attachments"]]
    assert files == [("审核意见.pdf", "pdf", len(PDF), hashlib.sha256(PDF).hexdigest()),
                     ("测算.xlsx", "xlsx", len(sheet.read_bytes()),
                      hashlib.sha256(sheet.read_bytes()).hexdigest())]
    # the audit entries carry the notes, attachments by digest
    entries = {e["action"]: e["detail"] for e in flow.history(pid)}
    assert entries["pass_review"]["note"]["attachments"][0]["sha256"] == files[0][3]
    assert entries["legal_pass"]["note"]["text"] == "符合消防法规定"
    text = flow.ok("show", pid).stdout
    assert "编办审核通过意见（第 1 稿" in text and "附件 " in text and "审核意见.pdf" in text
    history = flow.ok("history", pid).stdout
    assert "意见：事项清楚，经费随事转移（附件 1 个）" in history
    # the attachment as kept, read back through the queries (checked against its digest)
    from engine.workflow.queries import Reader

    seq = notes[0]["attachments"][0]["seq"]
    with service(flow) as wf:
        view, content = Reader(wf, actor("street:S01")).attachment(pid, seq)
    assert content == PDF and view.name == "审核意见.pdf"
    # saved from the command line by whoever may read the proposal
    out = flow.tmp / "saved.pdf"
    run = flow.ok("attachment", pid, str(seq), "-o", out, actor="street:S02")
    assert out.read_bytes() == PDF and "已保存附件“审核意见.pdf”" in run.stdout
    again = flow.run("attachment", pid, str(seq), "-o", out, actor="street:S02")
    assert again.code == 2 and "[E-USAGE]" in again.stderr and "--force" in again.stderr
    assert str(out) in again.stderr
    golden("errors/workflow_informed_steps/attachment-output-exists.txt", again.stderr)
    other = flow.run("attachment", pid, str(seq), "-o", flow.tmp / "x.pdf",
                     actor="department:civil_affairs")
    assert other.code == 2 and "[E-NOTFOUND]" in other.stderr
    missing = flow.run("attachment", pid, "999", "-o", flow.tmp / "x.pdf", actor="office")
    assert missing.code == 2 and "[E-NOTFOUND]" in missing.stderr and "999" in missing.stderr
    golden("errors/workflow_informed_steps/attachment-unknown.txt",
           missing.stderr.replace(pid, "<proposal>"))
    assert not (flow.tmp / "x.pdf").exists()
    assert run_cli("audit", "verify", "--db", flow.db).code == 0
    # an attachment changed in the database is found by the audit check
    flow.sql("UPDATE duty_attachment SET content = ? WHERE seq = ?", PDF + b"x", seq)
    verify = run_cli("audit", "verify", "--db", flow.db)
    assert verify.code == 1 and "［rows］" in verify.stdout and "附件" in verify.stdout
    entry = next(e["seq"] for e in flow.history(pid) if e["action"] == "pass_review")
    assert f"第 {entry} 条［rows］" in verify.stdout
    with service(flow) as wf, pytest.raises(Exception) as info:
        Reader(wf, None).attachment(pid, seq)
    assert getattr(info.value, "subject", None) == "attachment"


def test_bad_notes_change_nothing(flow: Flow) -> None:
    pid = flow.submit()
    exe = write(flow.tmp, "tool.exe", b"MZ" + b"\x00" * 100)
    refused(flow, "review", pid, "--note", "x", "--attach", exe, actor="office",
            parts=("[E-ATTACHMENT]", "tool.exe", "PDF"))
    fake = write(flow.tmp, "scan.pdf", PNG)
    refused(flow, "review", pid, "--attach", fake, actor="office",
            parts=("[E-ATTACHMENT]", "PDF"))
    big = write(flow.tmp, "big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)
    refused(flow, "review", pid, "--attach", big, actor="office",
            parts=("[E-ATTACHMENT]", "big.pdf", "5 MB"))
    many = [write(flow.tmp, f"{i}.pdf", PDF) for i in range(4)]
    refused(flow, "review", pid, *[x for p in many for x in ("--attach", str(p))],
            actor="office", parts=("[E-ATTACHMENT]",))
    refused(flow, "review", pid, "--note", "长" * 5001, actor="office",
            parts=("[E-NOTE]",))
    # the wrong role with a good note: refused for the role, nothing kept
    pdf = write(flow.tmp, "ok.pdf", PDF)
    refused(flow, "review", pid, "--note", "x", "--attach", pdf, actor="justice",
            parts=("[E-FORBIDDEN]",))
    assert flow.sql("SELECT COUNT(*) FROM duty_step_note") == [(0,)]
    assert flow.sql("SELECT COUNT(*) FROM duty_attachment") == [(0,)]
    assert flow.state(pid) == "submitted"


def test_service_refuses_a_failed_review_without_opinion(flow: Flow) -> None:
    pid = flow.submit()
    flow.review(pid)
    before = flow.snapshot()
    with service(flow) as wf:
        with pytest.raises(NoteError) as info:
            wf.legal(actor("justice"), CLOCK, pid, False, StepNote(basis="某法第一条"))
        assert (info.value.field, info.value.reason) == ("text", "empty")
        with pytest.raises(AttachmentError):
            wf.legal(actor("justice"), CLOCK, pid, True, StepNote(
                text="通过", attachments=[AttachmentIn(name="a.png", content=PDF)]))
    assert flow.snapshot() == before


def test_a_resubmission_shows_what_changed(flow: Flow) -> None:
    pid = flow.submit(instruments=["responsibility_pledge"], streets=["S01", "S02"])
    flow.review(pid)
    assert flow.state(pid) == "returned"
    data = flow.show(pid)
    assert (data["compared_with"], data["changes"]) == (None, [])
    path = flow.file(streets=["S01", "S02", "S03"], resources__funding=30000,
                     item__phases=["patrol", "report", "dissuasion"])
    flow.ok("submit", path, actor="department:fire_rescue")
    data = flow.show(pid)
    assert data["compared_with"] == 1 and data["revision"] == 2
    changed = {c["key"]: (c["title"], c["before"], c["after"]) for c in data["changes"]}
    assert set(changed) == {"streets", "item.phases", "resources.funding", "instruments"}
    assert changed["resources.funding"][0] == "每街道每年经费"
    assert changed["instruments"][1:] == ("签订责任状", "无")
    assert changed["streets"][2].count("、") == 2
    text = flow.ok("show", pid).stdout
    assert "第 2 稿与第 1 稿相比：" in text and "采用的推动方式：签订责任状 → 无" in text


def test_a_street_changes_its_opinion_until_the_hearing_closes(flow: Flow) -> None:
    pid = flow.to_hearing(streets=["S01", "S02"])
    flow.hear(pid, "S01", "agree")
    flow.now("2026-03-03T10:15:00+08:00")
    run = flow.hear(pid, "S01", "object")
    assert "已修改东门街道的意见：此前为“同意”（2026年3月2日 09:00），以本次意见为准" in run.stdout
    data = flow.show(pid)
    assert data["state"] == "hearing" and data["unheard"] == ["S02"]
    assert data["opinions"]["S01"]["opinion"] == "object"
    assert [o["opinion"] for o in data["earlier_opinions"]["S01"]] == ["agree"]
    opinions = [e["detail"] for e in flow.history(pid) if e["action"] == "opinion"]
    assert opinions[1]["previous"] == {"opinion": "agree", "at": "2026-03-02T09:00:00+08:00"}
    history = flow.ok("history", pid).stdout
    assert "S01 不同意（修改意见，此前为同意）" in history and "2026-03-03" in history
    shown = flow.ok("show", pid).stdout
    assert "S01：不同意" in shown and "此前：同意" in shown
    flow.hear(pid, "S02", "agree")
    assert flow.state(pid) == "deliberation"
    # the hearing is closed: no more changes
    refused(flow, "hear", pid, "--street", "S01", "--opinion", "agree", actor="street:S01",
            parts=("[E-REFUSED]", "deliberation", "opinion"))
    # the latest opinion is the one that counts at the meeting: S01 objects
    with service(flow) as wf:
        assert Reader(wf, None).show(pid).opinions["S01"].opinion == "object"
        with pytest.raises(RefusedError):
            wf.hear(actor("street:S01"), CLOCK, pid, "S01", Opinion.agree, None)


def test_several_proposals_published_as_one_version(flow: Flow) -> None:
    a = flow.to_admitted()
    b = flow.to_admitted(id="P-T-101", item__name="无物业小区消防设施巡查")
    run = flow.publish(a, b)
    assert "已公布清单第 1 版" in run.stdout
    assert flow.state(a) == flow.state(b) == "published"
    assert flow.show(a)["published_in"] == flow.show(b)["published_in"] == 1
    assert flow.sql("SELECT version, proposal FROM duty_version_proposal ORDER BY position") \
        == [(1, a), (1, b)]
    assert flow.sql("SELECT COUNT(*) FROM duty_version") == [(2,)]  # version 0 and 1
    # both publication entries were written by one command, one after the other
    seqs = sorted(e["seq"] for p in (a, b) for e in flow.history(p) if e["action"] == "publish")
    assert seqs[1] == seqs[0] + 1
