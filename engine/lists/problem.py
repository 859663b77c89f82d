"""A problem `duty check` finds: a stable code, what it concerns, a message and its basis."""

from __future__ import annotations

from engine.models.decision import Out


class ListProblem(Out):
    code: str
    street: str | None
    item: str | None
    message: str
    basis: str
