"""What a reviewer writes with a step: the county office's review notes and the justice
bureau's legal opinion — an opinion (意见), its basis (依据) and attachments.

Attachments are bounded before anything is kept: at most ``MAX_ATTACHMENTS`` per step, each at
most ``MAX_ATTACHMENT_BYTES``, of the kinds in ``KINDS`` only, and the content must be what the
name says (a PDF starts as a PDF does, a Word or Excel file is the Office zip package of its
kind, a picture is a PNG or a JPEG). Both doors check through ``check_note`` (the service
checks again), so a file is refused with the same words on the command line and on the web.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from engine.errors import AttachmentError, NoteError
from engine.fileio import read_regular

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3
MAX_TEXT = 5000  # characters of the opinion
MAX_BASIS = 1000  # characters of the basis
MAX_NAME = 120  # characters of a file name

# kind → (file name endings, what people call it, the content type it is served as)
KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "pdf": ((".pdf",), "PDF", "application/pdf"),
    "docx": ((".docx",), "Word（.docx）",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "Excel（.xlsx）",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": ((".png",), "PNG 图片", "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "JPEG 图片", "image/jpeg"),
}
ACCEPTED = "、".join(words for _, words, _ in KINDS.values())
ACCEPT_ATTR = ",".join(end for ends, _, _ in KINDS.values() for end in ends)  # <input accept>
LIMIT_WORDS = f"每项最多 {MAX_ATTACHMENTS} 个附件，每个不超过 {MAX_ATTACHMENT_BYTES // 2**20} MB"


LEGAL_FAIL_NEEDS_TEXT = "合法性审查未通过须写明审查意见（不合法之处及理由）"


RETURN_NEEDS_TEXT = "退回重新审定须写明审核意见（退回的理由）"


def text_required(action: str) -> str | None:
    """Why the step ``action`` needs a written opinion, or None when it may go without: a
    failed legal review ends the proposal and must say why; a city or province sending the
    county's decision back must say why too."""
    if action == "legal_fail":
        return LEGAL_FAIL_NEEDS_TEXT
    return RETURN_NEEDS_TEXT if action in ("city_return", "province_return") else None


class AttachmentIn(BaseModel):
    """A file as a door received it: its name and its bytes."""

    model_config = ConfigDict(frozen=True, strict=True)

    name: str
    content: bytes


class StepNote(BaseModel):
    """The note a reviewer gives with a step (checked: see ``check_note``)."""

    model_config = ConfigDict(frozen=True, strict=True)

    text: str = ""
    basis: str = ""
    attachments: list[AttachmentIn] = []

    @property
    def empty(self) -> bool:
        return not (self.text or self.basis or self.attachments)


class CheckedAttachment(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True)

    name: str
    kind: str
    size: int
    sha256: str
    content: bytes


def clean_name(name: str) -> str:
    """The file's own name, without folders or control characters, bounded in length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "附件"
    if len(base) > MAX_NAME:
        stem, dot, end = base.rpartition(".")
        base = (stem[:MAX_NAME - len(end) - 1] + dot + end) if dot and len(end) <= 5 \
            else base[:MAX_NAME]
    return base


def _content_kind(content: bytes) -> str | None:
    """What the bytes are, by their own signature (not by the name)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_attachment(name: str, content: bytes) -> CheckedAttachment:
    """The attachment as it will be kept, or ``AttachmentError`` saying why not."""
    shown = clean_name(name)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"附件 “{shown}” 过大（{len(content):,} 字节），每个附件不超过 "
            f"{MAX_ATTACHMENT_BYTES // 2**20} MB", name=shown, reason="size",
            maximum=MAX_ATTACHMENT_BYTES, hint="压缩图片或拆分文件后再附上。")
    if not content:
        raise AttachmentError(f"附件 “{shown}” 是空文件", name=shown, reason="empty")
    ending = Path(shown.lower()).suffix
    named = next((kind for kind, (ends, _, _) in KINDS.items() if ending in ends), None)
    if named is None:
        raise AttachmentError(f"附件 “{shown}” 的类型不能接收：只能附 {ACCEPTED} 文件",
                              name=shown, reason="type",
                              hint="另存为 PDF 后再附上。")
    found = _content_kind(content)
    if found != named:
        raise AttachmentError(
            f"附件 “{shown}” 的内容不是{KINDS[named][1]}文件"
            + (f"（实为{KINDS[found][1]}）" if found else ""), name=shown, reason="type",
            hint="检查文件是否完整，或按实际类型改正文件名。")
    return CheckedAttachment(name=shown, kind=named, size=len(content),
                             sha256=hashlib.sha256(content).hexdigest(), content=content)


def check_note(note: StepNote, *, text_required: str | None = None
               ) -> tuple[str, str, list[CheckedAttachment]]:
    """The note's text and basis (trimmed) and its attachments as they will be kept.
    ``text_required``: the step needs an opinion, and this says why (the message)."""
    text, basis = note.text.strip(), note.basis.strip()
    if text_required and not text:
        raise NoteError(text_required, field="text", reason="empty")
    for field, value, maximum, words in (("text", text, MAX_TEXT, "意见"),
                                         ("basis", basis, MAX_BASIS, "依据")):
        if len(value) > maximum:
            raise NoteError(f"{words}过长（{len(value):,} 字），不能超过 {maximum:,} 字",
                            field=field, reason="long", maximum=maximum)
    if len(note.attachments) > MAX_ATTACHMENTS:
        raise AttachmentError(f"附件过多（{len(note.attachments)} 个），{LIMIT_WORDS}",
                              name="", reason="count", maximum=MAX_ATTACHMENTS)
    return text, basis, [check_attachment(a.name, a.content) for a in note.attachments]


def read_attachment(path: Path) -> AttachmentIn:
    """A file named on the command line, read within the attachment limit (a larger file is
    refused before it is read whole)."""
    from engine.errors import LimitError

    try:
        content = read_regular(path, str(path), MAX_ATTACHMENT_BYTES)
    except LimitError:
        shown = clean_name(path.name)
        raise AttachmentError(
            f"附件 “{shown}” 过大，每个附件不超过 {MAX_ATTACHMENT_BYTES // 2**20} MB",
            name=shown, reason="size", maximum=MAX_ATTACHMENT_BYTES,
            hint="压缩图片或拆分文件后再附上。") from None
    return AttachmentIn(name=path.name, content=content)


def content_type(kind: str) -> str:
    return KINDS[kind][2] if kind in KINDS else "application/octet-stream"
