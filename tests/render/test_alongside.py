"""The second process that makes the departments' files and a share of the streets' while
this one makes the others."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from engine.render import lists_stream
from engine.render.lists_stream import Alongside


def _files(n: int, size: int = 10) -> Iterator[tuple[str, str | bytes]]:
    for i in range(n):
        yield f"streets/{i}.csv", f"{os.getpid()}:" + "x" * size


def test_files_made_in_another_process_come_back_whole() -> None:
    made = Alongside(lambda: _files(300, 200_000))  # far more than a pipe holds
    got = [*made.ready(), *made.rest()]
    assert [p for p, _ in got] == [f"streets/{i}.csv" for i in range(300)]
    pids = {bytes(c).split(b":")[0] for _, c in got}
    assert len(pids) == 1 and pids != {str(os.getpid()).encode()}
    assert all(c == c.split(b":")[0] + b":" + b"x" * 200_000 for _, c in got)


def test_a_failing_process_leaves_the_rest_and_the_error_to_this_one() -> None:
    parent = os.getpid()

    def make() -> Iterator[tuple[str, str | bytes]]:
        yield "streets/a.csv", "a"
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        yield "streets/b.csv", "b"
        raise ValueError("raised here")

    made = Alongside(make)
    got = []
    with pytest.raises(ValueError, match="raised here"):
        for pair in made.rest():
            got.append(pair)
    assert got == [("streets/a.csv", b"a"), ("streets/b.csv", "b")]  # a once, from the child


def test_close_stops_a_process_not_wanted() -> None:
    def slow() -> Iterator[tuple[str, str | bytes]]:
        yield from _files(100, 100_000)
        time.sleep(60)

    made = Alongside(slow)
    pid = made.pid
    made.close()
    assert made.pid == 0 and not made.reader.is_alive()
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(pid, 0)


def test_without_fork_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(lists_stream.os, "fork")
    made = Alongside(lambda: _files(3))
    assert list(made.ready()) == []
    assert [c for _, c in made.rest()] == [f"{os.getpid()}:xxxxxxxxxx"] * 3


def test_a_process_killed_halfway_leaves_its_other_files_to_this_one() -> None:
    import signal

    parent = os.getpid()

    def make() -> Iterator[tuple[str, str | bytes]]:
        for i in range(50):
            if i == 20 and os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            yield f"streets/{i}.csv", f"{i}"

    got = list(Alongside(make).rest())
    assert sorted(p for p, _ in got) == sorted(f"streets/{i}.csv" for i in range(50))
    assert {bytes(c) if isinstance(c, bytes) else c.encode() for _, c in got} == \
        {str(i).encode() for i in range(50)}
