"""The audit key and the checkpoint file: the two things kept outside the database.

The key (32 random bytes, hex) signs every audit entry (HMAC-SHA256). It is created with mode
0600 when the store is initialised; a writer of the database who cannot read it cannot
recompute the chain. The checkpoint file receives the head of the chain (sequence number and
digest) after every command, so that entries cut off the end of the chain, or the whole chain,
are found again when it is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import NamedTuple

from engine.errors import StoreError

KEY_BYTES = 32


def create_key(path: Path, store: str) -> bytes:
    """A new key in a new file readable by its owner only."""
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(f"审计密钥文件已存在：{path}", store=store, reason="key-exists",
                         hint="新数据库须使用新的密钥：删除或移走旧的密钥文件，"
                              "或用 DUTY_AUDIT_KEY 指定另一个路径。") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return key


def load_key(path: Path, store: str) -> bytes:
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise StoreError(f"找不到审计密钥文件：{path}", store=store, reason="no-key",
                         hint="密钥在初始化数据库时创建；用 DUTY_AUDIT_KEY 指定它的位置。"
                         ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"无法读取审计密钥文件 {path}：{exc}", store=store,
                         reason="key-unreadable") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(f"审计密钥文件 {path} 可被其他用户读取", store=store,
                         reason="key-mode", hint=f"执行 chmod 600 {path}")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StoreError(f"审计密钥文件 {path} 的内容不是有效的密钥", store=store,
                         reason="key-invalid")
    return key


def fingerprint(key: bytes) -> str:
    """Names the key without revealing it: the store records it to recognise its key."""
    return hmac.new(key, b"duty audit key", hashlib.sha256).hexdigest()[:FINGERPRINT_CHARS]


class Anchor(NamedTuple):
    """A head of the chain as kept outside the database: ``SEQ:MAC:KEY`` (the key's
    fingerprint; None in anchors written before it was part of them)."""

    seq: int
    mac: str
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac}" + (f":{self.key}" if self.key else "")


def parse_anchor(text: str) -> Anchor | None:
    """``SEQ:MAC`` or ``SEQ:MAC:KEY``; None when it is neither."""
    seq, _, rest = text.partition(":")
    mac, _, key = rest.partition(":")
    if not seq.isdigit() or len(mac) != 64 or (key and len(key) != FINGERPRINT_CHARS):
        return None
    if any(c not in "0123456789abcdef" for c in mac + key):
        return None
    return Anchor(int(seq), mac, key or None)


FINGERPRINT_CHARS = 16


def append_checkpoint(path: Path, anchor: Anchor, at: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as out:
        out.write(f"{anchor} {at}\n")
        out.flush()
        os.fsync(out.fileno())


def read_checkpoints(path: Path) -> list[Anchor]:
    """The heads recorded, oldest first (a missing file: none)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return []
        lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [a for a in (parse_anchor(line.split(" ", 1)[0]) for line in lines) if a]


def last_checkpoint(path: Path) -> Anchor | None:
    """The newest head recorded (read from the end of the file: it only grows)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 4096))
            lines = f.read(4096).decode("ascii", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        anchor = parse_anchor(line.split(" ", 1)[0])
        if anchor:
            return anchor
    return None


def sealed(key: bytes, label: str, data: bytes) -> str:
    """A keyed digest of ``data`` for one use (``label``): what a writer of the database who
    cannot read the key cannot forge."""
    return hmac.new(key, label.encode("utf-8") + b"\0" + data, hashlib.sha256).hexdigest()
