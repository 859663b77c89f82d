"""The admission process as data: states, transitions, the roles and guards of each."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.models.base import Id, Strict, Text

RoleKind = Literal["department", "office", "justice", "street", "county", "city", "province"]
Deadline = Literal["review_days", "hearing_days", "emergency_approval_days", "city_review_days",
                   "province_review_days"]


class State(Strict):
    label: Text
    waiting_for: RoleKind | Literal["applicant"] | None = None  # who must act next
    deadline: Deadline | None = None  # the pack parameter giving the working days allowed
    final: bool = False


class Transition(Strict):
    action: Id
    label: Text
    from_: list[Id] = Field(alias="from")  # empty: creates the proposal
    to: Id
    role: RoleKind | list[RoleKind]
    # only the department or street that applied may fire it (for its own proposal)
    applicant_only: bool = False
    guards: list[Id] = Field(default_factory=list)  # names in the guard registry
    # fired by the service as part of another step (sending an admission up a level), never
    # asked for on its own: not offered among the steps that may be taken
    automatic: bool = False

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role,) if isinstance(self.role, str) else tuple(self.role)


class ProcessFile(Strict):
    schema_version: Literal[1]
    id: Id
    title: Text
    initial: Id
    states: dict[Id, State]
    transitions: list[Transition] = Field(min_length=1)
