"""Error codes are one enum: every code the engine raises is a member, and a member is the
string scripts compare with."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataError, DutyError, ErrorCode

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def test_a_member_is_its_string(golden: Any) -> None:
    err = DataError("x", code="E-REF")
    assert err.code is ErrorCode.REF and err.code == "E-REF"
    assert f"{err.code}" == str(err.code) == "E-REF"
    assert "[E-REF]" in err.render()
    golden("errors/error_codes/data-error-with-a-code.txt", err.render() + "\n")


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError):
        DataError("x", code="E-NO-SUCH")


def test_every_code_written_in_the_engine_is_a_member() -> None:
    written = {code for path in ENGINE.rglob("*.py")
               for code in re.findall(r"\"(E-[A-Z][A-Z-]*)\"", path.read_text(encoding="utf-8"))}
    assert written <= {c.value for c in ErrorCode}, written - {c.value for c in ErrorCode}


def test_every_error_class_carries_a_member() -> None:
    def classes(cls: type[DutyError]) -> list[type[DutyError]]:
        return [cls, *(c for sub in cls.__subclasses__() for c in classes(sub))]

    assert all(isinstance(c.code, ErrorCode) for c in classes(DutyError))
