"""Typed results of the admission service: what the CLI prints and the web shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from engine.models.decision import Decision
from engine.times import time_text
from engine.workflow.content import ContentChange


def _stamp(value: Any) -> Any:
    return time_text(value) if isinstance(value, datetime) else value


def _day(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# a time as the record states it (ISO 8601, China time), and a day (YYYY-MM-DD), from the
# store's typed columns
Stamp = Annotated[str, BeforeValidator(_stamp)]
Day = Annotated[str, BeforeValidator(_day)]


class View(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class StepTaken(View):
    """A step of the process a command fired: its action and the states before and after."""

    action: str
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str


class Outcome(View):
    """What a command did: the proposal, the steps fired, notes for the user."""

    proposal: str
    steps: list[StepTaken] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    decision: Decision | None = None
    version: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal,
                "steps": [s.model_dump(by_alias=True) for s in self.steps],
                "state": self.steps[-1].to if self.steps else None,
                "notes": self.notes,
                "verdict": self.decision.verdict if self.decision else None,
                "version": self.version}


class OpinionView(View):
    opinion: str
    note: str | None
    at: Stamp
    actor: str


class MeetingView(View):
    ref: str | None
    outcome: str
    at: Stamp
    actor: str


class PolicyRefView(View):
    """The policy a stored decision was made under: its id, version and hash."""

    id: str
    version: str
    hash: str


class DecisionView(View):
    stage: str
    at: Stamp
    verdict: str
    policy: PolicyRefView
    county_revision: str
    decision: dict[str, Any]


class AttachmentView(View):
    seq: int
    name: str
    kind: str  # pdf, docx, xlsx, png, jpeg
    size: int
    sha256: str


class StepNoteView(View):
    """The office's review notes or the justice bureau's legal opinion, with its step."""

    action: str  # pass_review, return, legal_pass, legal_fail
    revision: int
    text: str
    basis: str
    at: Stamp
    actor: str
    attachments: list[AttachmentView] = Field(default_factory=list)


class ProposalView(View):
    id: str
    title: str
    change: str
    applicant: str
    department: str
    state: str
    state_label: str
    revision: int
    urgency: str
    legal_review: str
    streets: list[str]
    unheard: list[str]
    due: Day | None
    due_estimated: bool
    opinions: dict[str, OpinionView]
    meetings: list[MeetingView]
    decisions: list[DecisionView]
    published_in: int | None
    # a street's own request: the street, its reasons, the department's opinion
    requested_by: str | None = None
    reasons: list[str] = Field(default_factory=list)
    reason_note: str | None = None
    department_opinion: OpinionView | None = None
    # the reviewers' notes, what the last resubmission changed (against which draft), and
    # the opinions a street gave before the one that counts (oldest first)
    notes: list[StepNoteView] = Field(default_factory=list)
    changes: list[ContentChange] = Field(default_factory=list)
    compared_with: int | None = None
    earlier_opinions: dict[str, list[OpinionView]] = Field(default_factory=dict)


class HistoryEntry(View):
    seq: int
    at: Stamp
    actor: str  # the role acted in
    account: str  # the account (local:USER in a local store, system:USER for the system)
    action: str
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str | None
    detail: dict[str, Any]


class ProposalSummary(View):
    id: str
    title: str
    change: str
    applicant: str
    department: str
    state: str
    due: Day | None


class OverdueItem(View):
    id: str
    title: str
    state: str
    due: Day
    estimated: bool
    days_late: int
    waiting_for: list[str]


class AccountView(View):
    username: str
    name: str = ""  # the person's name (姓名), where one was given
    active: bool
    roles: list[str]
    tokens: int  # tokens not revoked
    must_change: bool = False  # a temporary password, to be changed at the next log-in


class IssuedToken(View):
    username: str
    token: str  # shown once, never stored


class LockoutsLifted(View):
    """Log-in lock-outs lifted for one account (``duty user unlock``, the web's lock-outs
    page): the addresses it was locked out at and the failed attempts recorded there."""

    username: str
    addresses: list[str]
    failures: int


class StoreInfo(View):
    store: str
    county: str
    mode: str  # accounts | local
    rehearsal: bool
    version: int
    head: str
    key: str = ""  # the audit key's fingerprint, to be kept outside the store


class JobView(View):
    """A background job as the store records it: what was asked, by whom, how far it has come
    and how it ended (``result``: the version published, or the file built)."""

    id: int
    kind: str
    county: str
    account: str
    role: str
    arguments: dict[str, Any]
    state: str
    stage: str
    done: int
    total: int
    attempts: int
    result: dict[str, Any] | None
    error: str
    created: Stamp
    started: Stamp | None
    finished: Stamp | None

    @property
    def ended(self) -> bool:
        return self.state in ("done", "failed")


def dump(value: BaseModel | list[BaseModel]) -> Any:
    """JSON-ready data of a view or a list of views."""
    if isinstance(value, list):
        return [dump(v) for v in value]
    if isinstance(value, Outcome):
        return value.to_json()
    return value.model_dump(mode="json", by_alias=True)
