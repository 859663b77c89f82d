"""The second process that makes the departments' files while the streets' are made."""

from __future__ import annotations

import os

import pytest

from engine.render import lists_stream
from engine.render.lists_stream import Beside


def test_result_made_in_another_process() -> None:
    made = Beside(lambda: (os.getpid(), [("departments/a.csv", "x" * 200_000)]))
    pid, files = made.result()
    assert pid != os.getpid()  # a pipe's worth and more comes back whole
    assert files == [("departments/a.csv", "x" * 200_000)]


def test_a_failing_process_leaves_the_error_to_this_one() -> None:
    parent = os.getpid()

    def make() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        raise ValueError("raised here")

    with pytest.raises(ValueError, match="raised here"):
        Beside(make).result()


def test_close_stops_a_process_not_wanted() -> None:
    made = Beside(lambda: __import__("time").sleep(60))
    pid = made.pid
    made.close()
    assert made.pid == 0
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(pid, 0)


def test_without_fork_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(lists_stream.os, "fork")
    assert Beside(os.getpid).result() == os.getpid()
