"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
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


def write_tree_atomic(directory: Path, files: Mapping[str, str | bytes]
                      | Iterable[tuple[str, str | bytes]]) -> None:
    """Write ``files`` (relative path → content, or such pairs one at a time: they are
    written as they come and never held together) as the whole of ``directory``.

    The tree is built beside the target and swapped in by renames, so the directory holds
    either the old set of files or the new one.
    """
    directory = Path(directory)
    parent = directory.parent if str(directory.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"无法创建输出目录：{exc.strerror}", location=Location(str(parent)),
                        code="E-OUTPUT") from exc
    if directory.exists() and not directory.is_dir():
        raise DataError("输出路径已存在且不是目录", location=Location(str(directory)),
                        code="E-OUTPUT", hint="--all 须用 -o 指定一个目录。")
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(staging, 0o777 & ~umask)
        for rel, content in files.items() if isinstance(files, Mapping) else files:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        old = None
        if directory.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=parent))
            os.rmdir(old)
            os.replace(directory, old)
        os.replace(staging, directory)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
