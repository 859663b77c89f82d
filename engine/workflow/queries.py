"""Every read of the admission workflow, for both doors, with who may read what written once.

Each query takes the acting account (an ``Actor``; None only in a single-user local store
read without a declared role, whose one user is every party). A proposal the actor may not
read is "not found", exactly as a proposal that does not exist, and the ids offered as
suggestions are only those it may read.

Who reads which proposal (``may_read``):

- the county office (编办), the justice bureau (司法局) and the county (县委、县政府): every
  proposal;
- a department: the proposals of that department, and those it applied for;
- a street: the proposals addressed to that street, and those it applied for (a recall or
  revision it asked for);
- the administrator (admin): none — it manages accounts, not proposals.
"""

from __future__ import annotations

from engine.errors import NotFoundError
from engine.models.decision import Decision
from engine.store.orm import m
from engine.store.session import Store, transaction
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor, Clock, Role
from engine.workflow.service import AdmissionService
from engine.workflow.views import (
    AttachmentView,
    HistoryEntry,
    OverdueItem,
    ProposalSummary,
    ProposalView,
)

READS_ALL = (RoleKind.office, RoleKind.justice, RoleKind.county)


def proposal_targets(store: Store) -> dict[str, list[str]]:
    """Every proposal's target streets, by proposal id (for deciding who may read it)."""
    with transaction(store, write=False):
        return {pid: streets
                for pid, streets in m.ProposalRecord.objects.values_list("id", "streets")}


def may_read(role: Role | None, department: str, applicant: str, streets: list[str]) -> bool:
    """Whether ``role`` may read a proposal of ``department``, applied for by ``applicant``,
    addressed to ``streets`` (None: the one user of a local store)."""
    if role is None or role.kind in READS_ALL:
        return True
    if role.kind is RoleKind.department:
        return department == role.id or applicant == str(role)
    if role.kind is RoleKind.street:
        return role.id in streets or applicant == str(role)
    return False


class Reader:
    """The reads of one actor on one service."""

    def __init__(self, service: AdmissionService, actor: Actor | None) -> None:
        self.service, self.actor = service, actor
        self.role = actor.role if actor is not None else None

    def targets(self) -> dict[str, list[str]]:
        """The target streets of every proposal the actor may read, by id."""
        every = proposal_targets(self.service.store)
        return {s.id: every.get(s.id, []) for s in self._visible(None, every)}

    def proposals(self, state: str | None = None) -> list[ProposalSummary]:
        """The proposals the actor may read (in one state, if given), by id."""
        return self._visible(state)

    def show(self, pid: str) -> ProposalView:
        try:
            view = self.service.show(pid)
        except NotFoundError as err:
            if err.kind == "proposal":
                raise self._not_found(pid) from None
            raise
        if not may_read(self.role, view.department, view.applicant, view.streets):
            raise self._not_found(pid)
        return view

    def attachment(self, pid: str, seq: int) -> tuple[AttachmentView, bytes]:
        """An attachment of a proposal's notes, for whoever may read the proposal."""
        self.show(pid)
        return self.service.attachment(pid, seq)

    def assess(self, pid: str) -> Decision:
        """The evaluation the office will see at review, on the proposal as it stands."""
        self.show(pid)
        return self.service.assess(pid)

    def history(self, pid: str) -> list[HistoryEntry]:
        self.show(pid)
        return self.service.history(pid)

    def overdue(self, clock: Clock) -> list[OverdueItem]:
        readable = {p.id for p in self._visible(None)}
        return [item for item in self.service.overdue(clock) if item.id in readable]

    # -- helpers -----------------------------------------------------------------------------
    def _visible(self, state: str | None,
                 targets: dict[str, list[str]] | None = None) -> list[ProposalSummary]:
        rows = self.service.list(state)
        if self.role is None or self.role.kind in READS_ALL:
            return rows
        if targets is None:
            targets = proposal_targets(self.service.store)
        return [p for p in rows
                if may_read(self.role, p.department, p.applicant, targets.get(p.id, []))]

    def _not_found(self, pid: str) -> NotFoundError:
        return NotFoundError(f"没有编号为 “{pid}” 的申请", kind="proposal", name=pid,
                             known=[p.id for p in self._visible(None)])
