"""One small error hierarchy with stable codes.

Messages are Chinese for users; the code (``E-…``) is for developers and scripts.
Every user error carries where it happened (file, line, field) when that is known,
and a suggestion when one fits. The CLI turns these into a message and an exit code;
nothing else in the engine prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem sits in a user's file."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def render(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field:
            parts.append(f"字段 {self.field}")
        return " ".join(parts)


class DutyError(Exception):
    """Base of every error the engine reports to a user."""

    code = "E-DUTY"
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint
        if code:
            self.code = code

    def render(self) -> str:
        where = self.location.render()
        head = f"错误 [{self.code}] {where}：{self.message}" if where else (
            f"错误 [{self.code}] {self.message}"
        )
        return head + (f"\n  提示：{self.hint}" if self.hint else "")



class DataError(DutyError):
    """Bad input data: malformed YAML, unknown keys, wrong values, unknown ids."""

    code = "E-DATA"


class PolicyError(DataError):
    """A policy pack that cannot be loaded or compiled."""

    code = "E-POLICY"


class UsageError(DutyError):
    """The command line itself is wrong (exit code 2)."""

    code = "E-USAGE"
    exit_code = 2


class TooLargeError(UsageError):
    """The output asked for exceeds what its format can hold (an Excel sheet's rows)."""

    code = "E-TOO-LARGE"

    def __init__(self, message: str, *, rows: int, limit: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.rows = rows
        self.limit = limit


class EngineError(DutyError):
    """The rule engine failed: a fault of the tool, never silently ignored."""

    code = "E-ENGINE"


class DataErrors(DataError):
    """Several data errors found in one pass; reported together."""

    code = "E-DATA"

    def __init__(self, errors: list[DataError]) -> None:
        super().__init__(errors[0].message, location=errors[0].location, hint=errors[0].hint)
        self.errors = errors
        self.code = errors[0].code

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


def did_you_mean(value: object, choices: Iterable[str]) -> str | None:
    """A "did you mean" hint for an unknown id or value, or None."""
    close = difflib.get_close_matches(str(value), sorted(choices), n=1, cutoff=0.6)
    return f"您是否想写 “{close[0]}”？" if close else None
