"""Writes the files of an output tree in a process of its own (``engine.outdir`` starts it),
and the two ways of putting things on disk that both processes use.

Making tens of thousands of list files is Python work; putting them on disk is the kernel's
(copying into the page cache, allocating inodes). In one process the two take turns: a writer
thread must win the interpreter lock back after every system call, and while the main thread
renders it rarely can. Here the rendering process only copies each file into a pipe, and this
process, with an interpreter of its own, creates the files on the other processor.

Run as ``python -I -S treewriter.py ROOT``; it imports only the standard library. Standard
input holds one frame per file: a header (``HEADER``: the path's length in bytes and the
content's), the relative path in UTF-8, the content. Directories are made as needed; flushing
the tree to disk is the caller's, once every file is written. On failure, one short line of
JSON on standard output names the error number, the system's words and the relative path
(each cut at ``REPORT_CHARS``), and the exit code is 1.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
from collections.abc import Iterator
from typing import BinaryIO

HEADER = struct.Struct("<IQ")
REPORT_CHARS = 500


def _exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the tree's stream ended inside a frame")
    return data


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a directory's entries (a rename or a new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Create or replace the file ``path`` with ``data`` (flushing it to disk is the
    caller's)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def frame(rel: str, size: int) -> bytes:
    """What goes before a file's content of ``size`` bytes on a stream of files: the header
    and the relative path."""
    name = rel.encode("utf-8")
    return HEADER.pack(len(name), size) + name


def frames(stream: BinaryIO) -> Iterator[tuple[str, bytes]]:
    """Each file framed on ``stream`` as (relative path, content); ``EOFError`` when the
    stream ends inside a frame."""
    while head := stream.read(HEADER.size):
        if len(head) != HEADER.size:
            raise EOFError("the tree's stream ended inside a header")
        name_size, size = HEADER.unpack(head)
        rel = _exact(stream, name_size).decode("utf-8")
        yield rel, _exact(stream, size)


def write_tree(root: str, stream: BinaryIO) -> None:
    """Write every file framed on ``stream`` under ``root``."""
    made = {root}
    for rel, data in frames(stream):
        path = os.path.join(root, rel)
        parent = os.path.dirname(path)
        try:
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            write_file(path, data)
        except OSError as exc:
            exc.filename = rel
            raise


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the caller's to handle
    try:
        write_tree(argv[0], sys.stdin.buffer)
    except OSError as exc:
        report = {"errno": exc.errno, "strerror": exc.strerror, "path": exc.filename}
    except Exception as exc:  # the stream cut short (the caller stopped), or a fault here
        report = {"errno": None, "strerror": repr(exc), "path": None}
    else:
        return 0
    cut = {k: v[:REPORT_CHARS] if isinstance(v, str) else v for k, v in report.items()}
    sys.stdout.write(json.dumps(cut, ensure_ascii=False) + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
