"""The admission service: every step of the process, for the CLI and the web alike.

Each method takes the actor (account and role) and the clock of the call, checks the step with
the process machine, and writes in one transaction of the store: the step happens completely,
or it is refused and nothing changes. Every step is an entry of the keyed audit chain.

Inside the process the procedural facts come from the process's own records, not from the
submitted file: the legality review is the justice bureau's recorded result, the hearing is the
opinions streets recorded, the meeting is the county's recorded decision. At office review,
steps not reached yet are taken as going well, so a proposal is returned only for what is
already wrong. A street that has not answered when the hearing period ends is deemed to have
no objection (recorded as such).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from engine.decide.combine import ADMITTED
from engine.decide.evaluate import judge, resolve, went_well
from engine.errors import ConflictError, DataError, ForbiddenError, UsageError
from engine.labels import label, when
from engine.lists.apply import apply_decisions, changed_streets
from engine.loading.dated import at_date
from engine.loading.proposal import ProposalSource
from engine.loading.workspace import Workspace
from engine.loading.yamlio import Document
from engine.models.county import DutyItem
from engine.models.decision import Decision
from engine.models.proposal import Meeting, Proposal
from engine.store.chain import Chain
from engine.store.session import Store, fault_point, transaction
from engine.times import time_text
from engine.workdays import add_working_days
from engine.workflow import repository as repo
from engine.workflow.county_state import county_revision, pack_state, replay, unpack_state
from engine.workflow.machine import GuardFacts, check_step
from engine.workflow.names import Action, Opinion, RoleKind, Stage, StateName, SystemAction
from engine.workflow.notes import CheckedAttachment, StepNote, check_note, text_required
from engine.workflow.process import Process, load_process
from engine.workflow.repository import ProposalRecord
from engine.workflow.roles import Actor, Clock, oversees
from engine.workflow.versions import convert_whole, keep_summary, keep_version
from engine.workflow.views import (
    Outcome,
    StepTaken,
)

MEETING_BODY = "县委或县政府会议"
# the meeting still to come, as the office's review takes it (``went_well``)
PENDING = Meeting(body=MEETING_BODY, ref="（待审定）", decided=True)
DEEMED = "听取意见期限届满未反馈，视为无异议"
EDITABLE = (StateName.draft.value, StateName.returned.value)


class AdmissionService:
    """The process on one store, for one county."""

    def __init__(self, ws: Workspace, store: Store, process: Process | None = None) -> None:
        self.base = ws
        self.store = store
        self.process = process or load_process()
        self.revision = county_revision(ws)
        self._states: dict[int, Workspace] = {}  # county as of each version (immutable)
        bound = store.county
        code = store.meta.get("county_code")
        if code is not None and code != ws.county.code:
            raise ConflictError(f"数据库 {store.target.shown} 属于 “{bound}”（行政区划代码 "
                                f"{code}），不能用于 “{ws.county.name}”（行政区划代码 "
                                f"{ws.county.code or '未填写'}）", subject="county_code",
                                stored=code, given=ws.county.code,
                                hint="指定该数据库所属的县区目录，或换一个数据库。")
        if bound is not None and bound != ws.county.name:
            raise ConflictError(f"数据库 {store.target.shown} 属于 “{bound}”，"
                                f"不能用于 “{ws.county.name}”",
                                subject="county", stored=bound, given=ws.county.name,
                                hint="指定该数据库所属的县区目录，或换一个数据库。")
        if code is None and bound is not None and \
                store.meta.get("county_revision") not in (None, self.revision):
            self._same_streets(ws)

    def recorded_revision(self) -> str | None:
        """The county data the store last recorded: changed by an import or a county change
        seen by any process on any host."""
        from engine.store.router import using

        with using(self.store.alias):
            return repo.county_revision()

    def _same_streets(self, ws: Workspace) -> None:
        """A county without a code, changed since the store last recorded it, is a revision of
        the bound county only if it keeps at least one of its streets (the same id with the
        same name, as the newest published version names them); a county of the same name
        that shares none is another county."""
        from engine.store.router import using

        with using(self.store.alias):
            stored = repo.newest_names()
        if stored is None:
            return
        ours = {(s.id, s.name) for s in ws.county.streets.values()}
        if ours & set(stored.items()):
            return
        others = set(ws.county.departments) | set(ws.county.units)
        theirs = sorted(f"{n}（{i}）" for i, n in stored.items() if i not in others)
        if not ours and not theirs:  # a catalogue of kept items, then and now
            return
        given = sorted(f"{n}（{i}）" for i, n in ours)

        def few(names: list[str]) -> str:
            return "、".join(names[:5]) + ("等" if len(names) > 5 else "")

        raise ConflictError(
            f"数据库 {self.store.target.shown} 属于 “{self.store.county}”（街道 {few(theirs)}），"
            f"县区目录中的 “{ws.county.name}”（街道 {few(given)}）与它没有一个相同的街道，"
            "是另一个县区", subject="county_streets", stored=self.store.county,
            given=ws.county.name,
            hint="指定该数据库所属的县区目录，或换一个数据库；县区目录可在 county.yaml 中"
                 "写明六位行政区划代码 code（新建的数据库按代码认定县区）。")

    # -- plumbing ----------------------------------------------------------------------------
    def _check_clock(self, clock: Clock) -> None:
        if clock.fixed and not self.store.rehearsal:
            raise UsageError("DUTY_NOW 只在演练库中有效",
                             hint="正式数据库按系统时间记录；"
                                  "演练请另建演练库（store init 时声明）。")

    def entry(self, chain: Chain, actor: Actor | None, clock: Clock, action: str, *,
               proposal: str | None = None, before: str | None = None,
               after: str | None = None, detail: dict[str, Any] | None = None) -> int:
        """Begin an audit entry of this command for ``actor`` (None: the system)."""
        return chain.begin(at=clock.stamp, account=actor.recorded if actor else "system",
                           role=str(actor.role) if actor else "system", action=action,
                           proposal=proposal, before=before, after=after, detail=detail,
                           clock="fixed" if clock.fixed else "real")

    def _fire(self, chain: Chain, actor: Actor, clock: Clock, record: ProposalRecord | None,
              action: Action, facts: GuardFacts | None = None,
              detail: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
              pid: str | None = None) -> str:
        """Check and take one step; returns the new state."""
        before = record.state if record else None
        pid = record.id if record else pid
        facts = facts or GuardFacts()
        facts.oversees = oversees(actor.role, self.base.county)
        t = check_step(self.process, action, before, actor,
                       record.applicant if record else None, facts, pid)
        state = self.process.states[t.to]
        if record is not None and t.to != before:  # a step inside a state keeps its deadline
            due, estimated = None, False
            if state.deadline:
                deadline = add_working_days(clock.now.date(),
                                            getattr(self.base.policy.parameters, state.deadline))
                due, estimated = deadline.due, deadline.estimated
            record.state, record.state_since = t.to, clock.now
            record.due, record.due_estimated = due, estimated
            record.save()
        self.entry(chain, actor, clock, t.action, proposal=pid, before=before, after=t.to,
                    detail=detail() if callable(detail) else detail)
        return t.to

    # -- the county as published ---------------------------------------------------------------
    def current(self, chain: Chain | None = None) -> Workspace:
        """The county as the published versions left it. The state kept for the newest version
        is used when it was computed on the county data in force; otherwise history is
        replayed once (and, in a write command, kept under a county revision entry)."""
        version = repo.newest_version()
        if version == 0:
            return self.base
        if version in self._states:
            return self._states[version]
        kept = repo.county_state(version, self.revision)
        if kept is not None:
            ws = unpack_state(self.base, kept)
        else:
            ws = replay(self.base, *repo.published())
            if chain is None or not chain.pending:
                return ws  # not kept: a reader, or nothing to record it under
            repo.keep_county_state(version, self.revision, pack_state(ws), chain.last_seq)
        self._states = {version: ws}
        return ws

    def _note_county(self, chain: Chain, clock: Clock) -> None:
        """Record a change of the county data since the last command (county revision)."""
        stored = repo.county_revision()
        if stored == self.revision:
            return
        self.entry(chain, None, clock, SystemAction.county_revision.value, detail={
            "revision": self.revision, "previous": stored})
        repo.record_county_revision(self.revision)
        version = repo.newest_version()  # keep the state for the county as it now is
        if version and not repo.has_county_state(version, self.revision):
            repo.keep_county_state(version, self.revision, pack_state(self.current()),
                                   chain.last_seq)

    @contextmanager
    def write(self, actor: Actor | None, clock: Clock) -> Iterator[Chain]:
        """A write transaction; a change of the county data is recorded first."""
        if actor is not None:
            self._check_clock(clock)
        with transaction(self.store, write=True) as chain:
            self._note_county(chain, clock)
            convert_whole(lambda detail: self.entry(
                chain, None, clock, SystemAction.versions_converted.value, detail=detail))
            yield chain

    # -- evaluation in the process -----------------------------------------------------------
    def _judge(self, record: ProposalRecord, stage: Stage, meeting: str | None,
               ws: Workspace) -> tuple[Decision, DutyItem]:
        proposal = repo.document(record)
        streets = record.streets
        heard = repo.department_opinion(record)  # reached before review: as recorded
        proposal = proposal.model_copy(update={
            "department_opinion": heard["opinion"] if heard else None})
        if stage is Stage.review:
            procedure: dict[str, Any] = went_well(streets, PENDING)
        else:
            opinions = {r.street: r.opinion for r in repo.opinions(record.id)}
            procedure = {"legal_review": record.legal, "hearing": opinions or None,
                         "meeting": Meeting(body=MEETING_BODY, ref=meeting, decided=True)
                         if meeting else None}
        doc = Document(self.store.target.sqlite_path, record.document, {},
                       f"数据库中的申请 {record.id}")
        # the targets as the lists stand now: opinions count for the streets still targeted
        return judge(ws, ProposalSource(proposal, doc), procedure=procedure)

    def _store_decision(self, chain: Chain, clock: Clock, record: ProposalRecord, stage: Stage,
                        decision: Decision, item: DutyItem) -> None:
        repo.add_decision(record, stage, clock.now, decision, item, self.revision,
                          chain.last_seq)

    def _blocking(self, decision: Decision) -> str:
        blocking = set(self.base.policy.combine.precedence) - {"condition"}
        shown = [f"{f.rule}{'@' + f.street if f.street else ''}：{f.message}"
                 for f in decision.findings if f.effect in blocking]
        return f"规则评估结论为 {decision.verdict}" + ("（" + "；".join(shown[:5]) + "）"
                                                   if shown else "")

    @staticmethod
    def _may_propose(actor: Actor, p: Proposal, targets: Sequence[str]) -> str | None:
        """Why the role may not make this proposal (None: it may). A department proposes for
        its own items; a street may ask only for an item to be taken back from itself or for
        the row of an item on its own lists to be revised."""
        role = actor.role
        if role.kind is RoleKind.department:
            if p.requested_by is not None:
                return f"申请 {p.id} 是街道 {p.requested_by} 的申请，须由该街道提交"
            return None if role.id == p.department else (
                f"申请 {p.id} 由 {p.department} 提出，{role} 不能提交")
        if p.requested_by != role.id:
            return (f"街道只能以本街道的名义申请，{role} 不能代 {p.requested_by} 申请"
                    f"（requested_by 须为 {role.id}）")
        if p.change == "admit":
            return "向街道交办职责须由部门申请准入，街道只能申请收回或动态调整"
        if p.change == "recall" and list(targets) != [role.id]:
            return f"街道只能申请从本街道收回事项，申请的目标街道须为 [{role.id}]"
        if p.change == "revise" and role.id not in targets:
            return f"该事项不在 {role.id} 的清单中，{role} 不能申请调整"
        return None

    # -- commands ----------------------------------------------------------------------------
    def submit(self, actor: Actor, clock: Clock, source: ProposalSource,
               draft: bool = False) -> Outcome:
        """Store a proposal (a new one, or a revision of a draft or returned one) and submit
        it unless ``draft``."""
        p = source.proposal
        notes = []
        if p.hearing or p.meeting or p.legal_review != "pending":
            notes.append("申请文件中的 legal_review、hearing、meeting 字段在流程中不起作用："
                         "以司法局的审查结果、街道反馈的意见和会议决定记录为准。")
        steps: list[StepTaken] = []
        with self.write(actor, clock) as chain:
            ignored = p.model_copy(update={"hearing": None})  # the records count, not the file
            _, _, targets = resolve(self.current(chain), ProposalSource(ignored, source.doc))
            record = repo.find(p.id, lock=True)
            if p.change == "recall":  # the streets that list the item now: those are heard
                p = p.model_copy(update={"streets": targets})
            if actor.role.kind is RoleKind.street and p.requested_by is None:
                p = p.model_copy(update={"requested_by": actor.role.id})  # its own request
            p = p.model_copy(update={"department_opinion": None})  # the record counts
            document = p.model_dump(mode="json")
            facts = GuardFacts(proposal_problem=lambda: self._may_propose(actor, p, targets))
            detail = {"file": source.doc.display}
            if record is None:
                to = self._fire(chain, actor, clock, None, Action.draft, facts, pid=p.id,
                                detail={**detail, "revision": 1})
                record = repo.new_proposal(
                    id=p.id, department=p.department, title=p.title, state=to, revision=1,
                    document=document, streets=list(targets), urgency=p.urgency,
                    state_since=clock.now, created=clock.now, change=p.change,
                    applicant=str(actor.role))
                steps.append(StepTaken(action=Action.draft.value, from_=None, to=to))
            elif record.department != p.department:
                raise ConflictError(f"申请 {p.id} 由 {record.department} 提出，"
                                    f"不能改由 {p.department}", subject="department",
                                    stored=record.department, given=p.department)
            else:
                if record.state in EDITABLE:
                    record.revision += 1
                    record.document, record.title = document, p.title
                    record.streets, record.urgency = list(targets), p.urgency
                    record.change, record.legal = p.change, "pending"
                    record.save()
                if draft:  # checked like a submission: the applicant, and what it may propose
                    before = record.state
                    to = self._fire(chain, actor, clock, record, Action.save_draft, facts,
                                    detail={**detail, "revision": record.revision})
                    steps.append(StepTaken(action=Action.save_draft.value, from_=before, to=to))
            if not draft:
                before = record.state
                to = self._fire(chain, actor, clock, record, Action.submit, facts,
                                detail={**detail, "revision": record.revision})
                repo.add_submission(record, clock.now, chain.last_seq)
                steps.append(StepTaken(action=Action.submit.value, from_=before, to=to))
                if p.requested_by:
                    notes.append(f"街道的申请先听取事项所属部门 {p.department} 的意见，"
                                 "再由编办审核。")
        return Outcome(proposal=p.id, steps=steps, notes=notes)

    def _requested_by(self, record: ProposalRecord) -> str | None:
        return repo.document(record).requested_by

    def department_opinion(self, actor: Actor, clock: Clock, pid: str, opinion: Opinion,
                           note: str | None) -> Outcome:
        """The department concerned answers a street's request before the office reviews it
        (the admission procedure in reverse)."""
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            before = record.state
            facts = GuardFacts(requested_by=self._requested_by(record),
                               department=record.department, acting_department=actor.role.id)
            self._fire(chain, actor, clock, record, Action.department_opinion, facts,
                       detail={"opinion": opinion.value, "note": note,
                               "revision": record.revision})
        return Outcome(proposal=pid, steps=[StepTaken(action=Action.department_opinion.value,
                                                      from_=before, to=record.state)])

    def _note_detail(self, note: tuple[str, str, list[CheckedAttachment]] | None
                     ) -> dict[str, Any]:
        """What the audit entry of a step says of its note (the attachments by digest)."""
        if note is None:
            return {}
        text, basis, files = note
        return {"note": {"text": text, "basis": basis, "attachments": [
            {"name": f.name, "kind": f.kind, "size": f.size, "sha256": f.sha256}
            for f in files]}}

    def _save_note(self, chain: Chain, clock: Clock, actor: Actor, record: ProposalRecord,
                   action: Action, note: tuple[str, str, list[CheckedAttachment]] | None
                   ) -> None:
        """Keep the note of the step just fired, with its attachments, under its entry."""
        if note is None:
            return
        text, basis, files = note
        repo.add_note(record, action, text, basis, clock.now, str(actor.role), chain.last_seq,
                      files)

    @staticmethod
    def _checked(note: StepNote | None, text_required: str | None = None
                 ) -> tuple[str, str, list[CheckedAttachment]] | None:
        if text_required:
            return check_note(note or StepNote(), text_required=text_required)
        if note is None or note.empty:
            return None
        checked = check_note(note)
        return checked if any(checked) else None  # only blanks: no note

    def review(self, actor: Actor, clock: Clock, pid: str,
               note: StepNote | None = None) -> Outcome:
        """The office starts its review: the rules decide whether it passes to the legal review
        or goes back to the applicant; ``note`` (the office's opinion, its basis, attachments)
        is kept with that outcome."""
        checked = self._checked(note)
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            before = record.state
            requested_by = self._requested_by(record)
            self._fire(chain, actor, clock, record, Action.start_review, GuardFacts(
                requested_by=requested_by, department=record.department,
                department_heard=requested_by is None
                or repo.department_opinion(record) is not None))
            steps = [StepTaken(action=Action.start_review.value, from_=before, to=record.state)]
            try:
                decision, item = self._judge(record, Stage.review, None, self.current(chain))
            except DataError as exc:  # the county changed under it (e.g. its item id taken)
                self._fire(chain, actor, clock, record, Action.return_,
                           detail={"error": exc.render(), **self._note_detail(checked)})
                self._save_note(chain, clock, actor, record, Action.return_, checked)
                steps.append(StepTaken(action=Action.return_.value, from_=StateName.office_review,
                                       to=record.state))
                return Outcome(proposal=pid, steps=steps,
                               notes=["申请与现行县区数据不符：" + exc.render()])
            action = review_step(decision)
            clear = action is Action.pass_review
            reasons = {"verdict": decision.verdict,
                       "findings": [f.rule for f in decision.findings
                                    if f.effect in ("reject", "return", "defer")]}
            facts = GuardFacts(evaluation=lambda: decision, blocking=self._blocking)
            self._fire(chain, actor, clock, record, action, facts,
                       detail={**reasons, **self._note_detail(checked)})
            self._store_decision(chain, clock, record, Stage.review, decision, item)
            self._save_note(chain, clock, actor, record, action, checked)
            steps.append(StepTaken(action=action.value, from_=StateName.office_review,
                                   to=record.state))
        return Outcome(proposal=pid, steps=steps, decision=decision,
                       notes=[] if clear else [self._blocking(decision)])

    def legal(self, actor: Actor, clock: Clock, pid: str, passed: bool,
              note: StepNote | None = None) -> Outcome:
        """The justice bureau's legal review: its result, and its opinion with the basis and
        attachments (an opinion is required when the review fails)."""
        action = Action.legal_pass if passed else Action.legal_fail
        checked = self._checked(note, text_required(action.value))
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            before = record.state
            record.legal = "passed" if passed else "failed"
            self._fire(chain, actor, clock, record, action,
                       detail=self._note_detail(checked) or None)
            self._save_note(chain, clock, actor, record, action, checked)
        return Outcome(proposal=pid, steps=[StepTaken(action=action.value, from_=before,
                                                      to=record.state)])

    def hear(self, actor: Actor, clock: Clock, pid: str, street: str, opinion: Opinion,
             note: str | None) -> Outcome:
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            role = actor.role
            facts = GuardFacts(streets=record.streets, street=street)
            # the state and the role first (the machine), then: a street speaks for itself
            if role.kind is RoleKind.street and role.id != street:
                check_step(self.process, Action.opinion, record.state, actor, None,
                           GuardFacts(streets=[street], street=street), pid)
                raise ForbiddenError(f"申请 {pid} 当前状态为{self.process.label(record.state)}"
                                     f"（{record.state}），不能执行“街道反馈意见”（opinion）："
                                     f"{role} 只能反馈本街道的意见，不能代 {street} 反馈",
                                     account=actor.recorded, role=str(role),
                                     action=Action.opinion.value)
            before = record.state
            earlier = repo.latest_opinion(pid, street)
            detail: dict[str, Any] = {"street": street, "opinion": opinion.value}
            if earlier is not None:  # a street changes its opinion while the hearing is open
                detail["previous"] = {"opinion": earlier.opinion, "at": time_text(earlier.at)}
            self._fire(chain, actor, clock, record, Action.opinion, facts, detail=detail)
            fault_point("after-opinion-audit")
            repo.add_opinion(record, street, opinion.value, note, clock.now, str(actor.role),
                             chain.last_seq)
            steps = [StepTaken(action=Action.opinion.value, from_=before, to=record.state)]
            notes = [] if earlier is None else [
                f"已修改{self.base.names.get(street, street)}的意见："
                f"此前为“{label(earlier.opinion)}”"
                f"（{when(time_text(earlier.at))}），以本次意见为准"]
            if not repo.unheard(record):
                self._fire(chain, actor, clock, record, Action.close_hearing,
                           detail={"reason": "all_heard"})
                steps.append(StepTaken(action=Action.close_hearing.value, from_=StateName.hearing,
                                       to=record.state))
        return Outcome(proposal=pid, steps=steps, notes=notes)

    def decide(self, actor: Actor, clock: Clock, pid: str, meeting: str | None,
               outcome: str) -> Outcome:
        steps: list[StepTaken] = []
        out_decision: Decision | None = None
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            if record.state == StateName.hearing:
                unheard = repo.unheard(record)
                due = record.due
                late = due is not None and clock.now.date() > due
                self._fire(chain, actor, clock, record, Action.close_hearing,
                           GuardFacts(unheard=unheard, late=late,
                                      due=due.isoformat() if due else None),
                           detail={"reason": "deadline_passed", "deemed": unheard})
                for s in unheard:
                    repo.add_opinion(record, s, Opinion.agree.value, DEEMED, clock.now,
                                     str(actor.role), chain.last_seq)
                steps.append(StepTaken(action=Action.close_hearing.value, from_=StateName.hearing,
                                       to=record.state))
            before = record.state
            action = Action(outcome)
            judged: list[tuple[Decision, DutyItem]] = []

            def evaluation() -> Decision | None:
                if action is Action.reject or (action is Action.admit and not meeting):
                    return None
                if not judged:
                    judged.append(self._judge(record, Stage.decision, meeting,
                                              self.current(chain)))
                return judged[0][0]

            facts = GuardFacts(urgency=record.urgency, meeting=meeting,
                               evaluation=evaluation, blocking=self._blocking)
            # the levels above the county this admission must pass, as configured now
            levels = self._levels(record) if action is Action.admit else []
            self._fire(chain, actor, clock, record, action, facts,
                       detail=lambda: {"verdict": judged[0][0].verdict}
                       if action is Action.provisional else {
                           "meeting": meeting, **({"upward": levels} if levels else {})})
            if judged:
                out_decision = judged[0][0]
                self._store_decision(chain, clock, record, Stage.decision, *judged[0])
            if action is not Action.provisional:
                repo.add_meeting(record, meeting, outcome, clock.now, str(actor.role),
                                 chain.last_seq)
            steps.append(StepTaken(action=action.value, from_=before, to=record.state))
            self._send_up(chain, actor, clock, record, levels, set(), steps)
        return Outcome(proposal=pid, steps=steps, decision=out_decision)

    # -- review up the levels (逐级报送) ------------------------------------------------------
    def _levels(self, record: ProposalRecord) -> list[str]:
        """The levels above the county that review its decision on this proposal (county.yaml
        ``upward_review``: a street's request, or any other proposal), in order."""
        return self.base.county.review_levels(self._requested_by(record) is not None)

    def _send_up(self, chain: Chain, actor: Actor, clock: Clock, record: ProposalRecord,
                 levels: list[str], approved: set[str], steps: list[StepTaken]) -> None:
        """An admitted proposal goes to the next level that has still to review it (the
        process's guards skip a level not required); none left: it awaits publication."""
        pending = [level for level in levels if level not in approved]
        if record.state != StateName.admitted or not pending:
            return
        action = Action.report_city if pending[0] == "city" else Action.report_province
        before = record.state
        self._fire(chain, actor, clock, record, action,
                   GuardFacts(levels=levels, approved=approved), detail={"levels": levels})
        steps.append(StepTaken(action=action.value, from_=before, to=record.state))

    def review_up(self, actor: Actor, clock: Clock, pid: str, level: str, approve: bool,
                  note: StepNote | None = None) -> Outcome:
        """The city's or the province's review of the county's admission: approved, it goes to
        the next level required or awaits publication; returned (with the reasons, required),
        it goes back to the county meeting to be decided again."""
        action = {("city", True): Action.city_approve, ("city", False): Action.city_return,
                  ("province", True): Action.province_approve,
                  ("province", False): Action.province_return}[(level, approve)]
        checked = self._checked(note, text_required(action.value))
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            before = record.state
            levels, approved = repo.upward_review(pid)
            self._fire(chain, actor, clock, record, action,
                       GuardFacts(levels=levels, approved=approved),
                       detail=self._note_detail(checked) or None)
            self._save_note(chain, clock, actor, record, action, checked)
            steps = [StepTaken(action=action.value, from_=before, to=record.state)]
            if approve:
                self._send_up(chain, actor, clock, record, levels, approved | {level}, steps)
        return Outcome(proposal=pid, steps=steps)

    def may_publish(self, actor: Actor, pids: Sequence[str]) -> None:
        """Refuse, as the step itself would, a publication this role may not make of these
        proposals in their present states (before it is queued as a job; the rules are judged
        again when it runs)."""
        _distinct(pids)
        with transaction(self.store, write=False):
            for pid in pids:
                record = repo.proposal(pid)
                levels, approved = repo.upward_review(pid)
                facts = GuardFacts(levels=levels, approved=approved,
                                   oversees=oversees(actor.role, self.base.county))
                check_step(self.process, Action.publish, record.state, actor, record.applicant,
                           facts, pid)

    def publish(self, actor: Actor, clock: Clock, pids: Sequence[str], *,
                key: str | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> Outcome:
        """Publish the proposals as one new version. ``key``: the job's idempotency key,
        recorded with each publish entry; a publication already committed under it is not
        made again (a job restarted after its commit finds its version). ``progress`` is told
        how far the work has come (stage, done, total)."""
        _distinct(pids)
        told = progress or (lambda stage, done, total: None)
        steps: list[StepTaken] = []
        with self.write(actor, clock) as chain:
            earlier = repo.published_under(key) if key else None
            if earlier is not None:
                return Outcome(proposal=", ".join(pids), version=earlier, notes=[
                    f"该任务此前已公布为第 {earlier} 版，未再公布"])
            records = [repo.proposal(pid, lock=True) for pid in pids]
            batch = _Batch(self.current(chain))
            for n, record in enumerate(records):
                told("核对申请", n, len(records))
                before = record.state
                judged: list[tuple[Decision, DutyItem]] = []
                levels, approved = repo.upward_review(record.id)
                facts = GuardFacts(levels=levels, approved=approved,
                                   publication_problem=lambda r=record, j=judged: batch.judge(
                                       lambda ws, out: self._still_admitted(r, ws, out), j))
                self._fire(chain, actor, clock, record, Action.publish, facts,
                           detail={"job": key} if key else None)
                decision, item = judged[0]
                self._store_decision(chain, clock, record, Stage.publication, decision, item)
                batch.add(decision, item)
                steps.append(StepTaken(action=Action.publish.value, from_=before, to=record.state))
            told("生成清单", len(records), len(records))
            after = batch.applied()
            number = repo.newest_version() + 1
            self.save_version(chain, clock, number, after)
            repo.add_to_version(number, records, chain.last_seq)
            told("保存", len(records), len(records))
        return Outcome(proposal=", ".join(pids), steps=steps, version=number)

    def _still_admitted(self, record: ProposalRecord, ws: Workspace,
                        judged: list[tuple[Decision, DutyItem]]) -> str | None:
        """The rules once more, on the lists as this publication finds them (other proposals
        may have changed the item since the meeting); ``judged`` receives the decision as
        published: the streets the meeting admitted that the rules still admit."""
        meeting = repo.admitting_meeting(record.id)
        try:
            decision, item = self._judge(record, Stage.publication,
                                         meeting.ref if meeting else None, ws)
        except DataError as exc:
            return "按现行清单，申请已不成立：" + exc.render()
        if decision.verdict not in ADMITTED:
            return "审定后清单已有变化，" + self._blocking(decision)
        decided = repo.latest_decision(record.id, (Stage.decision,))
        assert decided is not None
        agreed = set(changed_streets(decided[0]))
        judged.append((decision.model_copy(update={"streets": [
            s for s in decision.streets if s.street in agreed or s.verdict not in ADMITTED]}),
            item))
        return None

    def save_version(self, chain: Chain, clock: Clock, number: int, ws: Workspace) -> None:
        """Keep the lists of ``ws`` as published version ``number``, and the county's state
        after it, under the entry just begun."""
        seq = chain.last_seq
        # the lists as they stand on the day of publication (dates of force counted)
        summary, totals = keep_version(number, clock.now, at_date(ws, clock.now.date()),
                                       ws.names, self.revision, seq)
        keep_summary(self.store, number, summary, totals)
        if number:
            repo.keep_county_state(number, self.revision, pack_state(ws), seq)

    def withdraw(self, actor: Actor, clock: Clock, pid: str) -> Outcome:
        with self.write(actor, clock) as chain:
            record = repo.proposal(pid, lock=True)
            before = record.state
            self._fire(chain, actor, clock, record, Action.withdraw)
        return Outcome(proposal=pid, steps=[StepTaken(action=Action.withdraw.value, from_=before,
                                                      to=record.state)])

    # -- evaluation without a step ----------------------------------------------------------
    def assess(self, pid: str) -> Decision:
        """The evaluation the office will see when it reviews the proposal as it now stands
        (on the lists in force; the steps not reached yet taken as going well). Nothing is
        stored."""
        with transaction(self.store, write=False):
            record = repo.proposal(pid)
            return self._judge(record, Stage.review, None, self.current())[0]

    def preview(self, source: ProposalSource) -> tuple[Decision, int]:
        """The evaluation the office will see when it starts the review of this proposal (on
        the newest published lists, the steps not reached yet taken as going well), and the
        version it was made on. Nothing is stored."""
        ws, number = self.published()
        return judge(ws, source, pending=PENDING)[0], number

    def published(self, version: int | None = None) -> tuple[Workspace, int]:
        """The county as of the newest published version (for commands that read the
        lists), or as of ``version``, and that version's number."""
        with transaction(self.store, write=False):
            number = repo.newest_version()
            if version is None or version == number:
                return self.current(), number
            if not 0 <= version < number:
                raise UsageError(f"没有第 {version} 版清单", hint=f"已公布到第 {number} 版")
            if version == 0:
                return self.base, 0
            kept = repo.county_state(version, self.revision)
            if kept is not None:
                return unpack_state(self.base, kept), version
            return replay(self.base, *repo.published(version)), version


def _distinct(pids: Sequence[str]) -> None:
    if len(set(pids)) != len(pids):
        raise UsageError("同一申请列出了两次")


def review_step(decision: Decision) -> Action:
    """What the office's review does with this evaluation: passes it on to the legal review
    when nothing blocks it, returns it to the applicant otherwise."""
    return Action.pass_review if decision.verdict in ADMITTED else Action.return_


class _Batch:
    """The proposals of one publication, each judged on the lists as the ones before it left
    them. Applying is costly on a large county, so decisions wait in ``pending`` and are
    applied only when a later proposal concerns an item (by id, or by name and department)
    one of them touches, or when a proposal fails on the lists without them."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.pending: list[tuple[Decision, DutyItem]] = []
        self.touched: set[object] = set()

    def judge(self, still: Callable[[Workspace, list[tuple[Decision, DutyItem]]], str | None],
              judged: list[tuple[Decision, DutyItem]]) -> str | None:
        problem = still(self.ws, judged)
        if self.pending and (problem or self.touched & _keys(judged[0][1] if judged else None)):
            self.ws = self.applied()
            judged.clear()
            problem = still(self.ws, judged)
        return problem

    def add(self, decision: Decision, item: DutyItem) -> None:
        self.pending.append((decision, item))
        self.touched |= _keys(item)

    def applied(self) -> Workspace:
        if self.pending:
            decisions, items = zip(*self.pending, strict=True)
            self.ws = apply_decisions(self.ws, decisions, items)
            self.pending, self.touched = [], set()
        return self.ws


def _keys(item: DutyItem | None) -> set[object]:
    return set() if item is None else {item.id, (item.name, item.department)}
