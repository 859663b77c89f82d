"""Output directories the tool owns: written whole, swapped in at once, never destroying what
is not theirs.

A directory written here holds a marker file (``MARKER``) listing every file the tool wrote.
Writing again is allowed into a directory that does not exist, an empty one, or one whose
contents are exactly what its marker lists; anything else is refused unless ``force``, and
even then no file the tool did not write is removed or overwritten.

The new tree is built beside the old one, every file and directory flushed to disk, and the
two are exchanged by one atomic rename (``renameat2(RENAME_EXCHANGE)``), so the path shows the
old tree or the new one at every moment; the old tree's files are then removed. Where the
system cannot exchange (not Linux, or a file system without it), the old tree is renamed away
and the new one into place: two renames, with a moment between them when the path is absent.
With ``force`` the files are written one by one into the directory as it stands.

The files are put on disk by a process of their own (``engine.treewriter``) while the caller
makes the next ones, at most a pipe's worth ahead, and flushed by one ``syncfs`` of the file
system before the swap; where the system has no ``syncfs`` that reports write-back errors,
each file and directory is flushed in turn. For every street of a national county, flushing
tens of thousands of files one by one, or writing them in the rendering process, costs about
as much as making them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

from engine.errors import DataError, Location, OutputDirError, UsageError
from engine.fileio import read_regular, system_failure, write_atomic
from engine.treewriter import frame, fsync_dir, write_file

MARKER = ".duty-output.json"
_MARKER_MAX_BYTES = 16 * 1024 * 1024
_SHOWN = 10  # foreign entries named in a refusal
_PIPE_BYTES = 1 << 20  # how far the files made may run ahead of the disk

try:
    import fcntl

    _SETPIPE: int | None = getattr(fcntl, "F_SETPIPE_SZ", None)
except ImportError:  # not a POSIX system
    _SETPIPE = None

Files = Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]


def write_output_tree(directory: Path, files: Files, force: bool = False) -> None:
    """Make ``directory`` hold exactly ``files`` (relative path → content) and the marker."""
    shown = str(directory)
    target = _target(Path(directory), shown)
    pairs = files.items() if isinstance(files, Mapping) else files
    try:
        _clean_stale(target)
        ours, foreign = _survey(target)
        if foreign and not force:
            listed = "、".join(foreign[:_SHOWN]) + ("……" if len(foreign) > _SHOWN else "")
            raise OutputDirError(
                f"输出目录中有不是本工具写入的内容（{listed}），为免删除他人文件，拒绝写入",
                foreign=foreign, location=Location(shown), forcible=True,
                hint="换一个新的或空的目录。")
        if foreign:
            _write_in_place(target, shown, pairs, ours)
        else:
            _write_and_swap(target, pairs)
    except OSError as exc:
        raise system_failure(exc, shown) from None


def _target(directory: Path, shown: str) -> Path:
    """The real directory to write: a symlink is followed (its target is written, the link
    stays); the working directory or one above it is refused."""
    if directory.is_symlink():
        try:
            os.stat(directory)
        except OSError:
            raise DataError("输出路径是一个失效或循环的符号链接", location=Location(shown),
                            code="E-OUTPUT", hint="修正该链接，或指定另一个目录。") from None
    real = Path(os.path.realpath(directory))
    cwd = Path(os.path.realpath(Path.cwd()))
    if real == cwd or real in cwd.parents:
        raise UsageError("输出目录不能是当前目录或它的上级目录",
                         hint="指定其下的一个子目录，例如 out/lists。")
    if os.path.lexists(real) and not real.is_dir():
        raise DataError("输出路径已存在且不是目录", location=Location(shown), code="E-OUTPUT",
                        hint="须指定一个目录（不存在时自动创建）。")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise system_failure(exc, str(real.parent)) from None
    return real


def _listed(root: Path) -> set[str] | None:
    """The files the marker in ``root`` says the tool wrote; None without a marker."""
    marker = root / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(read_regular(marker, str(marker), _MARKER_MAX_BYTES))
        files = data["files"] if data["tool"] == "duty" else None
    except (ValueError, KeyError, TypeError, DataError):
        return None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else None


def _survey(root: Path) -> tuple[set[str], list[str]]:
    """The tool's files in ``root`` (the marker included) and everything else: any entry that
    is not a regular file the marker lists, or a directory holding one (relative paths)."""
    if not root.exists():
        return set(), []
    listed = _listed(root)
    if listed is None:
        listed = set()
    else:
        listed.add(MARKER)
    parents = {p.as_posix() for rel in listed for p in Path(rel).parents}
    ours: set[str] = set()
    foreign: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath).relative_to(root)
        for name in [*dirnames, *filenames]:
            rel = (base / name).as_posix()
            mode = os.lstat(Path(dirpath) / name).st_mode
            if stat.S_ISDIR(mode) and rel in parents:
                continue  # what it holds is judged in turn
            if stat.S_ISREG(mode) and rel in listed:
                ours.add(rel)
            else:
                foreign.append(rel)
        dirnames[:] = [d for d in dirnames if (base / d).as_posix() in parents]
    return ours, sorted(foreign)


def _check_rel(rel: str) -> None:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts or rel == MARKER:
        raise ValueError(f"not a relative output path: {rel!r}")


def _payload(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


class _Writer:
    """The files of a tree handed to a writing process (``engine.treewriter``) through a
    pipe, so that they are put on disk while the next ones are made. A failure there is
    raised here as the ``OSError`` it was, at the next file or at ``finish``; leaving the
    block early stops the process."""

    def __init__(self, root: Path) -> None:
        self._root = root
        script = Path(__file__).with_name("treewriter.py")
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(script), str(root)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._pipe, self._report = self._proc.stdin, self._proc.stdout
        if _SETPIPE is not None:  # room for several files ahead (Linux)
            with contextlib.suppress(OSError):
                fcntl.fcntl(self._pipe.fileno(), _SETPIPE, _PIPE_BYTES)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        with contextlib.suppress(OSError):
            self._pipe.close()
        self._proc.wait()
        self._report.close()

    def write(self, rel: str, content: str | bytes) -> None:
        data = _payload(content)
        try:
            self._pipe.write(frame(rel, len(data)))
            self._pipe.write(data)
        except BrokenPipeError:  # the process stopped: its report says why
            self.finish()
            raise OSError(errno.EIO, "写文件的进程提前退出", str(self._root)) from None

    def finish(self) -> None:
        """Wait for every file to be written; raise what went wrong, if anything did."""
        with contextlib.suppress(BrokenPipeError):
            self._pipe.close()
        text = self._report.read()  # before waiting: the process may be writing it
        code = self._proc.wait()
        if code == 0:
            return
        try:
            report = json.loads(text or b"null")
        except ValueError:
            report = None
        if isinstance(report, dict) and isinstance(report.get("errno"), int):
            rel = report.get("path")
            raise OSError(report["errno"], str(report.get("strerror")),
                          str(self._root / rel) if isinstance(rel, str) else str(self._root))
        why = report.get("strerror") if isinstance(report, dict) else f"退出码 {code}"
        raise OSError(errno.EIO, f"写文件的进程意外停止（{why}）", str(self._root))


def _marker_text(names: Iterable[str]) -> str:
    return json.dumps({"tool": "duty", "files": sorted(names)}, ensure_ascii=False,
                      indent=2) + "\n"


def _write_and_swap(target: Path, pairs: Iterable[tuple[str, str | bytes]]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.duty-new-{os.getpid()}-",
                                    dir=target.parent))
    swapped = False
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        # opened before any file is written: syncfs reports the write-back errors from then on
        root = os.open(staging, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            names: list[str] = []
            with _Writer(staging) as writer:
                for rel, content in pairs:
                    _check_rel(rel)
                    writer.write(rel, content)
                    names.append(rel)
                writer.finish()
            write_file(staging / MARKER, _marker_text(names).encode("utf-8"))
            _flush_tree(staging, root)
        finally:
            os.close(root)
        if not target.exists():
            os.rename(staging, target)
            swapped, old = True, None
        elif exchange(staging, target):
            swapped, old = True, staging  # the old tree now sits at the staging path
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.duty-old-{os.getpid()}-",
                                        dir=target.parent))
            os.rmdir(old)
            os.rename(target, old)
            os.rename(staging, target)
            swapped = True
        fsync_dir(target.parent)
        if old is not None:
            _remove_ours(old)
    finally:
        if not swapped:
            shutil.rmtree(staging, ignore_errors=True)


def _remove_ours(root: Path) -> None:
    """Remove what the marker in ``root`` lists, then the directories left empty; anything
    else (a file put there meanwhile) stays where it is."""
    for rel in sorted(_listed(root) or ()):
        path = root / rel
        if path.is_file() and not path.is_symlink():
            path.unlink()
    (root / MARKER).unlink(missing_ok=True)
    for dirpath, _, _ in sorted(os.walk(root), key=lambda w: len(w[0]), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something not ours is there
            os.rmdir(dirpath)


def _clean_stale(target: Path) -> None:
    """Staging trees of runs that were killed (their process is gone) are removed."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.duty-(?:new|old)-(\d+)-")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        found = pattern.match(entry.name)
        if found and entry.is_dir(follow_symlinks=False) and not _alive(int(found[1])):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _escapes(target: Path, rel: str) -> str | None:
    """The first part of ``rel`` under ``target`` that is a symbolic link (a file written
    through it would land outside the output directory), or None."""
    path = target
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return path.relative_to(target).as_posix()
        if not path.exists():
            return None
    return None


def _write_in_place(target: Path, shown: str, pairs: Iterable[tuple[str, str | bytes]],
                    ours: set[str]) -> None:
    """``--force`` into a directory holding other files: write the tool's files one by one,
    refusing to overwrite any file it did not write, or to write through a symbolic link.
    If a write fails, the files this run created are removed again and the marker is left
    as it was."""
    files = list(pairs)
    for rel, _ in files:
        _check_rel(rel)
    clash = sorted(rel for rel, _ in files
                   if os.path.lexists(target / rel) and rel not in ours)
    if clash:
        raise OutputDirError(
            f"输出目录中已有同名文件不是本工具写入的（{'、'.join(clash[:_SHOWN])}），"
            "即使强制写入也不覆盖", foreign=clash, location=Location(shown),
            hint="移走这些文件，或换一个目录。")
    links = sorted({link for rel, _ in files if (link := _escapes(target, rel))})
    if links:
        raise OutputDirError(
            f"输出目录中有符号链接（{'、'.join(links[:_SHOWN])}），经由它写入会写到输出目录之外，"
            "即使强制写入也不写入", foreign=links, location=Location(shown),
            hint="移走这些链接，或换一个目录。")
    names: list[str] = []
    created: list[Path] = []
    try:
        for rel, content in files:
            path = target / rel
            for parent in reversed(path.relative_to(target).parents[:-1]):
                if not (target / parent).exists():
                    (target / parent).mkdir()
                    created.append(target / parent)
            if not path.exists():
                created.append(path)
            write_atomic(path, content)
            names.append(rel)
    except BaseException as exc:
        for path in reversed(created):  # what this run added goes again
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        if not isinstance(exc, OSError):
            raise
        failure = system_failure(exc, shown)
        replaced = sum(1 for rel in names if target / rel not in created)
        failure.hint = ("本次新建的文件已删除" + (
            f"；本工具此前写入的 {replaced} 个文件已换成新内容" if replaced else "") +
            "；其他文件未被改动。" + ("清理磁盘空间后重试。" if exc.errno == errno.ENOSPC
                                     else ""))
        raise failure from None
    for rel in sorted(ours - set(names) - {MARKER}):  # the tool's files no longer produced
        (target / rel).unlink(missing_ok=True)
    write_atomic(target / MARKER, _marker_text(names))
    fsync_dir(target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # TypeError: Windows names no C library this way
        return None


def _syncfs() -> Callable[[int], int] | None:
    """The C library's ``syncfs`` where it reports write-back errors (Linux 5.8 and later;
    before, it could succeed although data never reached the disk)."""
    release = re.match(r"(\d+)\.(\d+)", os.uname().release) if sys.platform == "linux" else None
    if release is None or (int(release[1]), int(release[2])) < (5, 8):
        return None
    return getattr(_libc(), "syncfs", None)


def syncfs(fd: int) -> None:
    """Flush everything written to the file system holding ``fd``."""
    call = _syncfs()
    assert call is not None
    if call(fd) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _flush_tree(staging: Path, root: int) -> None:
    """Every file and directory of the new tree on disk: one ``syncfs`` of the file system
    (``root`` is the tree's directory, opened before anything was written), or, where there
    is none or a sandbox forbids it, each file and directory flushed in turn."""
    if _syncfs() is not None:
        try:
            syncfs(root)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOSYS, errno.EPERM):
                raise
    for dirpath, _, filenames in os.walk(staging, topdown=False):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
