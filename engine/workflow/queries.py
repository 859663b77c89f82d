"""Every read of the admission workflow, for both doors, with who may read what written once:
proposals (``Reader``), and the published versions, their lists and the audit entries.

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
- the city and the province above the county (``city:CODE``, ``province:CODE``): every
  proposal of a county whose city or province has that code (``roles.oversees``, the one place
  that says which county a level covers); none of any other county;
- the administrator (admin): none — it manages accounts, not proposals.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.errors import ConflictError, ForbiddenError, NotFoundError
from engine.lists.diff import ListsDiff
from engine.models.county import County
from engine.models.decision import Decision
from engine.models.lists import CountyLists
from engine.store.keys import Anchor, read_checkpoints
from engine.store.session import Store, transaction
from engine.times import time_text
from engine.workdays import working_days_between
from engine.workflow import repository as repo
from engine.workflow.content import changes
from engine.workflow.names import LEVELS, RoleKind, StateName
from engine.workflow.roles import Actor, Clock, Role, oversees
from engine.workflow.service import AdmissionService
from engine.workflow.versions import (
    ListsScope,
    PublishedVersion,
    published_diff,
    version_lists,
)
from engine.workflow.views import (
    AttachmentView,
    DecisionView,
    HistoryEntry,
    MeetingView,
    OpinionView,
    OverdueItem,
    PolicyRefView,
    ProposalSummary,
    ProposalView,
    StepNoteView,
)

READS_ALL = (RoleKind.office, RoleKind.justice, RoleKind.county)


def may_read(role: Role | None, department: str, applicant: str, streets: list[str],
             county: County | None = None) -> bool:
    """Whether ``role`` may read a proposal of ``department``, applied for by ``applicant``,
    addressed to ``streets``, in ``county`` (None: the one user of a local store)."""
    if role is None or role.kind in READS_ALL:
        return True
    if role.kind in LEVELS:
        return county is not None and oversees(role, county)
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
        return {r.id: r.streets for r in self._readable(None)}

    def proposals(self, state: str | None = None) -> list[ProposalSummary]:
        """The proposals the actor may read (in one state, if given), by id."""
        return [ProposalSummary(id=r.id, title=r.title, change=r.change, applicant=r.applicant,
                                department=r.department, state=r.state, due=r.due)
                for r in self._readable(state)]

    def show(self, pid: str) -> ProposalView:
        """A proposal with everything its steps recorded."""
        with transaction(self.service.store, write=False):
            record = self._record(pid)
            opinions: dict[str, OpinionView] = {}
            earlier: dict[str, list[OpinionView]] = {}
            for r in repo.opinions(pid):
                if r.street in opinions:  # superseded: kept, shown as given before
                    earlier.setdefault(r.street, []).append(opinions[r.street])
                opinions[r.street] = OpinionView(opinion=r.opinion, note=r.note, at=r.at,
                                                 actor=r.actor)
            notes = self._notes(pid)
            drafts = repo.drafts(pid)
            decisions = [DecisionView(stage=r.stage, at=r.at, verdict=r.verdict,
                                      policy=PolicyRefView(id=r.policy_id,
                                                           version=r.policy_version,
                                                           hash=r.policy_hash),
                                      county_revision=r.county_revision,
                                      decision=json.loads(r.decision))
                         for r in repo.decisions(pid)]
            meetings = [MeetingView(ref=r.ref, outcome=r.outcome, at=r.at, actor=r.actor)
                        for r in repo.meetings(pid)]
            version = repo.published_in(pid)
            unheard = repo.unheard(record) if record.state == StateName.hearing else []
            document = repo.document(record)
            heard = repo.department_opinion(record)
        return ProposalView(
            id=pid, title=record.title, change=record.change, applicant=record.applicant,
            department=record.department, state=record.state,
            state_label=self.service.process.label(record.state), revision=record.revision,
            urgency=record.urgency, legal_review=record.legal,
            streets=record.streets, unheard=unheard, due=record.due,
            due_estimated=record.due_estimated, opinions=opinions, meetings=meetings,
            decisions=decisions, published_in=version, requested_by=document.requested_by,
            reasons=list(document.reasons), reason_note=document.reason_note,
            department_opinion=heard and OpinionView(
                opinion=heard["opinion"], note=heard["note"], at=heard["at"],
                actor=heard["actor"]),
            notes=notes, earlier_opinions=earlier,
            compared_with=drafts[1][0] if len(drafts) == 2 else None,
            changes=changes(drafts[1][1], drafts[0][1], self.service.base.names)
            if len(drafts) == 2 else [])

    def attachment(self, pid: str, seq: int) -> tuple[AttachmentView, bytes]:
        """An attachment of a proposal's notes, for whoever may read the proposal, and its
        content (checked against the digest kept with it)."""
        with transaction(self.service.store, write=False):
            self._record(pid)
            row = repo.attachment(pid, seq)
            if row is None:
                raise NotFoundError(f"申请 {pid} 没有编号为 {seq} 的附件", kind="attachment",
                                    name=str(seq))
            content = bytes(row.content)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise ConflictError(f"附件 “{row.name}” 的内容与记录的摘要不符，可能已被改动",
                                subject="attachment", stored=row.sha256, given=None,
                                hint="用 duty audit verify 核验审计记录。")
        return AttachmentView(seq=row.seq, name=row.name, kind=row.kind, size=row.size,
                              sha256=row.sha256), content

    def assess(self, pid: str) -> Decision:
        """The evaluation the office will see at review, on the proposal as it stands."""
        with transaction(self.service.store, write=False):
            self._record(pid)
        return self.service.assess(pid)

    def history(self, pid: str) -> list[HistoryEntry]:
        """The proposal's audit entries, in order."""
        with transaction(self.service.store, write=False):
            self._record(pid)
            return [HistoryEntry(seq=e.seq, at=e.at, actor=e.role, account=e.account,
                                 action=e.action, from_=e.state_before, to=e.state_after,
                                 detail=e.detail) for e in repo.history(pid)]

    def overdue(self, clock: Clock) -> list[OverdueItem]:
        """The proposals the actor may read whose current step is late, and who is late."""
        today = clock.now.date()
        process = self.service.process
        out = []
        with transaction(self.service.store, write=False):
            for record in repo.overdue(today):
                if not self._may_read(record):
                    continue
                state = process.states[record.state]
                if record.state == StateName.hearing:
                    actors = [f"street:{s}" for s in repo.unheard(record)]
                elif state.waiting_for == "applicant":
                    actors = [record.applicant]
                elif state.waiting_for in ("city", "province"):
                    superior = self.service.base.county.superior(state.waiting_for)
                    actors = [f"{state.waiting_for}:{superior.code}" if superior
                              else state.waiting_for]
                else:
                    actors = [state.waiting_for or "office"]
                out.append(OverdueItem(
                    id=record.id, title=record.title, state=record.state, due=record.due,
                    estimated=record.due_estimated,
                    days_late=working_days_between(record.due, today), waiting_for=actors))
        return out

    # -- helpers -----------------------------------------------------------------------------
    def _record(self, pid: str) -> Any:
        """The proposal's row, if the actor may read it (inside a transaction); otherwise "not
        found", as a proposal that does not exist."""
        record = repo.find(pid)
        if record is None or not self._may_read(record):
            raise self._not_found(pid)
        return record

    def _may_read(self, record: Any) -> bool:
        return may_read(self.role, record.department, record.applicant, record.streets,
                        self.service.base.county)

    def _notes(self, pid: str) -> list[StepNoteView]:
        files: dict[int, list[AttachmentView]] = {}
        for a in repo.attachments(pid):
            files.setdefault(a.pop("note"), []).append(AttachmentView(**a))
        return [StepNoteView(action=n.action, revision=n.revision, text=n.text,
                             basis=n.basis, at=n.at, actor=n.actor,
                             attachments=files.get(n.seq, []))
                for n in repo.notes(pid)]

    def _readable(self, state: str | None) -> list[Any]:
        """The rows of the proposals the actor may read (in one state, if given), by id."""
        process = self.service.process
        if state is not None and state not in process.states:
            raise NotFoundError(f"未知的状态 “{state}”", kind="state", name=state,
                                known=list(process.states))
        with transaction(self.service.store, write=False):
            return [r for r in repo.proposals(state) if self._may_read(r)]

    def _not_found(self, pid: str) -> NotFoundError:
        return repo.missing(pid, [r.id for r in self._readable(None)])


# -- the published versions and the audit, for the pages ---------------------------------


@dataclass(frozen=True)
class VersionRow:
    number: int
    at: str
    anchor: str  # SEQ:MAC:KEY of the audit entry that published it
    proposals: list[str]


def versions(store: Store) -> list[VersionRow]:
    """The published list versions, newest first, with the audit anchor each carries."""
    with transaction(store, write=False):
        rows = repo.versions()
    key = store.meta.get("key", "")
    return [VersionRow(number, time_text(at), f"{seq}:{mac}:{key}", pids)
            for number, at, seq, mac, pids in rows]


def _kept(cache: dict[tuple[str, str, int], Any], size: int, store: Store, number: int,
          make: Callable[[Store, int], Any]) -> Any:
    """What ``make`` reads of a published version, kept in ``cache`` (its last ``size``
    entries) by store, audit key (a store made again under the same name has another) and
    number: a published version never changes (the audit chain covers it)."""
    key = (store.alias, store.meta.get("key", ""), number)
    if key not in cache:
        if len(cache) >= size:
            cache.pop(next(iter(cache)))
        cache[key] = make(store, number)
    return cache[key]


_KEPT: dict[tuple[str, str, int], tuple[CountyLists, dict[str, str]]] = {}
_OPENED: dict[tuple[str, str, int], PublishedVersion] = {}


def published_lists(store: Store, number: int) -> tuple[CountyLists, dict[str, str]]:
    """A published version's whole lists and names (the last few kept in memory)."""
    return _kept(_KEPT, 8, store, number, version_lists)  # type: ignore[no-any-return]


def published_version(store: Store, number: int) -> PublishedVersion:
    """A published version to read part by part: its head and names (the last few kept in
    memory)."""
    return _kept(_OPENED, 16, store, number, PublishedVersion)  # type: ignore[no-any-return]


def lists_scope(actor: Actor) -> ListsScope:
    """Which published lists the actor reads: a street its own lists; a department every
    street's lists and its own department list; the county's offices and leaders, and the
    city and province above it, everything; the administrator nothing."""
    role = actor.role
    if role.kind is RoleKind.admin:
        raise ForbiddenError("账号管理员（admin）不阅读清单", account=actor.account,
                             role=str(role), action="read-lists")
    if role.kind is RoleKind.street:
        return ListsScope(streets=frozenset({role.id}), departments=frozenset())
    if role.kind is RoleKind.department:
        return ListsScope(departments=frozenset({role.id}))
    return ListsScope()


def lists_diff(store: Store, actor: Actor, old: int, new: int) -> ListsDiff:
    """What changed between two published versions in the lists the actor reads."""
    scope = lists_scope(actor)
    return published_diff(store, published_version(store, old),
                          published_version(store, new), scope)


def checkpoints(store: Store, last: int = 10) -> list[Anchor]:
    """The newest heads of the checkpoint file kept outside the database."""
    return read_checkpoints(store.target.checkpoints)[-last:]


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    account: str
    role: str
    action: str
    proposal: str | None
    before: str | None
    after: str | None


AUDIT_PAGE = 50  # entries per page


def audit_entries(store: Store, *, action: str = "", proposal: str = "", account: str = "",
                  page: int = 1) -> tuple[list[AuditRow], int, int, int]:
    """One page of the audit entries, newest first, narrowed by action, proposal and account
    (exact); the rows, the number of matching entries, the page shown and the pages."""
    with transaction(store, write=False):
        found, total, page = repo.entries(action=action, proposal=proposal, account=account,
                                          page=page, size=AUDIT_PAGE)
    rows = [AuditRow(seq, time_text(at), *rest) for seq, at, *rest in found]
    return rows, total, page, max(1, -(-total // AUDIT_PAGE))


def audit_actions(store: Store) -> list[str]:
    """The actions the audit holds, for the filter."""
    with transaction(store, write=False):
        return repo.entry_actions()


def heard(store: Store, street: str) -> set[str]:
    """The proposals on which ``street`` has given its opinion (one query for a whole page,
    where asking the service proposal by proposal took most of the 待办 page's time)."""
    with transaction(store, write=False):
        return repo.heard_by(street)


def submitted(store: Store, pid: str) -> dict[str, object] | None:
    """The proposal as its applicant last submitted it (the stored document), or None."""
    with transaction(store, write=False):
        record = repo.find(pid)
    return record.document if record else None
