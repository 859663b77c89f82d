"""The web application's signing key (Django's SECRET_KEY): from ``DUTY_SECRET_KEY``, else a
file beside the audit key (``DUTY_SECRET_KEY_FILE``), created with mode 0600 on first use."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.store.config import StoreTarget


def secret_file(target: StoreTarget) -> Path:
    named = os.environ.get("DUTY_SECRET_KEY_FILE")
    return Path(named) if named else target.key_file.with_suffix(".secret")


def web_secret(target: StoreTarget) -> str:
    value = os.environ.get("DUTY_SECRET_KEY")
    if value:
        return value
    path = secret_file(target)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        value = secrets.token_urlsafe(48)
        out.write(value + "\n")
    return value
