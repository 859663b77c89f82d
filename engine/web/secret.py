"""The web application's signing key (Django's SECRET_KEY): ``DUTY_SECRET_KEY``, else the
file ``DUTY_SECRET_KEY_FILE`` (created with mode 0600 on first use), else derived from the
store's audit key (an HMAC of it under a label of its own). Every host serving one store must
sign alike, and every host holds the audit key already: derived, the signing key needs no
second file to copy, and it is never in the repository or the database. Knowing it reveals
nothing of the audit key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from engine.store.config import StoreTarget
from engine.store.keys import load_key

LABEL = b"duty web signing key"


def web_secret(target: StoreTarget) -> str:
    value = os.environ.get("DUTY_SECRET_KEY")
    if value:
        return value
    named = os.environ.get("DUTY_SECRET_KEY_FILE")
    if named:
        return _from_file(Path(named))
    return hmac.new(load_key(target.key_file, target.shown), LABEL, hashlib.sha256).hexdigest()


def _from_file(path: Path) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        value = secrets.token_urlsafe(48)
        out.write(value + "\n")
    return value
