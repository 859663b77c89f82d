"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.errors import DataError, Location


def write_atomic(path: Path, data: str | bytes) -> None:
    path = Path(path)
    if path.is_dir():
        raise DataError("输出路径是一个目录", location=Location(str(path)), code="E-OUTPUT",
                        hint="用 -o 指定文件名。")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise DataError("输出目录不存在", location=Location(str(directory)), code="E-OUTPUT")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
