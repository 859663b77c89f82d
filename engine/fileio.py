"""Files in and out: only regular files are read (bounded), writes are atomic (a reader sees
the old file or the new one, never half of one), and failures of the machine are worded for
people."""

from __future__ import annotations

import difflib
import errno
import os
import stat
import tempfile
from pathlib import Path

from engine.errors import DataError, FileKindError, LimitError, Location, SystemFailure
from engine.treewriter import fsync_dir

_KINDS = ((stat.S_ISDIR, "directory", "这是一个目录，应为文件"),
          (stat.S_ISFIFO, "fifo", "这是一个命名管道（FIFO），不是普通文件"),
          (stat.S_ISCHR, "device", "这是一个设备文件，不是普通文件"),
          (stat.S_ISBLK, "device", "这是一个设备文件，不是普通文件"),
          (stat.S_ISSOCK, "socket", "这是一个套接字，不是普通文件"))


def file_kind(mode: int) -> tuple[str, str] | None:
    """None for a regular file, else its kind and a Chinese description."""
    if stat.S_ISREG(mode):
        return None
    for test, kind, text in _KINDS:
        if test(mode):
            return kind, text
    return "other", "这不是普通文件"


def _refuse_odd(st: os.stat_result, display: str) -> None:
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise FileKindError(kind[1], kind=kind[0], location=Location(display),
                            hint="只读取普通文件：请换成该文件本身。")


def check_regular(path: Path, display: str) -> os.stat_result:
    """The status of ``path`` (symlinks followed), refusing anything but a regular file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _open_error(exc, path, display) from None
    _refuse_odd(st, display)
    return st


def read_regular(path: Path, display: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is refused.

    The file is opened without blocking (a FIFO cannot hang the reader) and checked on the open
    descriptor, so a file swapped after the check is still judged by what is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(exc, path, display) from None
    try:
        st = os.fstat(fd)
        _refuse_odd(st, display)
        if st.st_size > max_bytes:
            raise _too_big(display, max_bytes)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # the file grew while being read
            raise _too_big(display, max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise system_failure(exc, display) from None
    finally:
        os.close(fd)


RAISE_LIMITS_HINT = ("检查文件是否完整、有无误写的锚点和别名；县区目录中的文件"
                     "（county.yaml、items/、县区自己的规则包）确需更大时，"
                     "由县区在 limits.yaml 中调高上限，"
                     "申请和情景文件不能调高（见 docs/formats.md）。")


def _too_big(display: str, max_bytes: int) -> LimitError:
    return LimitError(f"文件超过 {max_bytes:,} 字节的上限", limit="max_bytes", maximum=max_bytes,
                      location=Location(display), hint=RAISE_LIMITS_HINT)


def nearest_path(path: Path, scan: int = 10_000) -> Path | None:
    """The existing path closest to ``path``, which does not exist: each missing part is
    replaced by the most similar name in its folder (at most ``scan`` names read per folder);
    where none is similar, the deepest existing folder. None when nothing better is known."""
    parts = path.parts
    current = Path(parts[0]) if path.is_absolute() else Path()
    for part in parts[1:] if path.is_absolute() else parts:
        step = current / part
        if os.path.lexists(step):
            current = step
            continue
        try:
            with os.scandir(current) as entries:
                names = [e.name for _, e in zip(range(scan), entries, strict=False)]
        except OSError:
            break
        close = difflib.get_close_matches(part, sorted(names), n=1, cutoff=0.6)
        if not close:
            break
        current = current / close[0]
    return None if current in (Path(), Path(path.anchor)) or current == path else current


def nearest_hint(path: Path) -> str | None:
    found = nearest_path(path)
    return f"最接近的现有路径：{found}" if found is not None else None


def _open_error(exc: OSError, path: Path, display: str) -> DataError | SystemFailure:
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return FileKindError("符号链接指向的文件不存在", kind="dangling",
                                 location=Location(display), hint="修正或删除这个符号链接。")
        return DataError("文件不存在", location=Location(display), code="E-NOTFOUND",
                         hint=nearest_hint(path))
    if exc.errno == errno.ELOOP:
        return FileKindError("符号链接构成循环，无法读取", kind="loop", location=Location(display),
                             hint="修正这个符号链接，使它指向一个普通文件。")
    if exc.errno == errno.ENXIO:  # a socket cannot be opened as a file
        return FileKindError("这是一个套接字，不是普通文件", kind="socket",
                             location=Location(display), hint="只读取普通文件。")
    if exc.errno == errno.EISDIR:
        return FileKindError("这是一个目录，应为文件", kind="directory",
                             location=Location(display))
    return system_failure(exc, display)


_FAILURES = {
    errno.ENOSPC: ("E-DISKFULL", "磁盘已满，无法写入", "清理磁盘空间后重试；已有文件未被改动。"),
    errno.EDQUOT: ("E-DISKFULL", "磁盘配额已用完，无法写入", "清理空间或申请更大配额后重试。"),
    errno.EROFS: ("E-READONLY", "该位置是只读的，无法写入", "换一个可写的位置（例如用 -o 指定）。"),
    errno.EACCES: ("E-PERMISSION", "没有权限", "检查该文件或目录的权限，或换一个位置。"),
    errno.EPERM: ("E-PERMISSION", "操作不被允许", "检查该文件或目录的权限，或换一个位置。"),
    errno.EFBIG: ("E-DISKFULL", "文件超过了系统允许的大小", "换一个位置或文件系统后重试。"),
    errno.EIO: ("E-IO", "读写设备出错", "检查磁盘或网络存储是否正常后重试。"),
}


def system_failure(exc: OSError, where: str | Path | None = None) -> SystemFailure:
    """An ``OSError`` as a message for people: a stable code, the system's own words, the path
    and what to do."""
    code, text, hint = _FAILURES.get(exc.errno or -1, ("E-OS", "操作系统报告错误",
                                                       "检查该路径后重试。"))
    path = str(where) if where is not None else (str(exc.filename) if exc.filename else None)
    cause = exc.strerror or str(exc)
    return SystemFailure(f"{text}（{cause}）", errno=exc.errno, path=path, cause=cause,
                         hint=hint, code=code)


def yaml_files(directory: Path, display: str) -> list[Path]:
    """The ``*.yaml`` and ``*.yml`` entries of ``directory`` in name order, each a regular file.

    A dangling or looping symlink, a FIFO, a device or a subdirectory under such a name is an
    error, not silence; so is ``directory`` itself when it exists but is not a directory.
    """
    if not directory.is_dir():
        if os.path.lexists(directory):
            raise FileKindError("应为目录", kind=_kind_of(directory), location=Location(display),
                                hint="该名称须是一个目录，或者删除它。")
        return []
    try:
        names = sorted(e.name for e in os.scandir(directory)
                       if e.name.endswith((".yaml", ".yml")))
    except OSError as exc:
        raise system_failure(exc, display) from None
    paths = [directory / name for name in names]
    for path in paths:
        check_regular(path, f"{display}/{path.name}")
    return paths


def _kind_of(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        return "loop" if exc.errno == errno.ELOOP else "dangling"
    return "other"


def write_atomic(path: Path, data: str | bytes) -> None:
    path = Path(path)
    if path.is_dir():
        raise DataError("输出路径是一个目录", location=Location(str(path)), code="E-OUTPUT",
                        hint="输出应写到一个文件：给出文件名，而不是目录。")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise DataError("输出目录不存在", location=Location(str(directory)), code="E-OUTPUT")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise system_failure(exc, str(path)) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(directory)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise system_failure(exc, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


