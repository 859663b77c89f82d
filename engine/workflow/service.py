"""The admission process: each command checks role, state and guards, then writes in one
transaction (the step happens completely, or it is refused and nothing changes).

Inside the process the procedural facts come from the process's own records, not from the
submitted file: the legality review is the justice bureau's recorded result, the hearing is the
opinions streets recorded, the meeting is the county's recorded decision. At office review,
steps not reached yet are taken as going well, so a proposal is returned only for what is
already wrong (the work plan, resources, bans, legal limits, capacity...). A street that has not
answered when the hearing period ends is deemed to have no objection (recorded as such).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from engine.decide.combine import ADMITTED
from engine.decide.evaluate import decide, resolve
from engine.errors import DataError, DutyError, UsageError, did_you_mean
from engine.lists.apply import apply_decisions, changed_streets
from engine.lists.build import build_lists
from engine.loading.proposal import ProposalSource, load_proposal
from engine.loading.workspace import Workspace
from engine.loading.yamlio import Document
from engine.models.county import DutyItem
from engine.models.decision import Decision
from engine.models.proposal import Meeting, Proposal
from engine.workflow.calendar import add_working_days
from engine.workflow.process import Process, load_process
from engine.workflow.roles import Role, parse_role
from engine.workflow.store import Store, fault_point, now, transaction

MEETING_BODY = "县委或县政府会议"
DEEMED = "听取意见期限届满未反馈，视为无异议"


class Refused(DutyError):
    """A step the process does not allow now (wrong role, wrong state, a guard not met)."""

    code = "E-REFUSED"


@dataclass
class Record:
    """A proposal as stored."""

    id: str
    department: str
    title: str
    state: str
    revision: int
    document: dict[str, Any]
    streets: list[str]
    urgency: str
    legal: str
    due: str | None
    change: str
    applicant: str  # the role that applied: department:ID or street:ID

    @classmethod
    def of(cls, row: Any) -> Record:
        return cls(row["id"], row["department"], row["title"], row["state"], row["revision"],
                   json.loads(row["document"]), json.loads(row["streets"]), row["urgency"],
                   row["legal"], row["due"], row["change"], row["applicant"])


@dataclass
class Outcome:
    """What a command did: the proposal, the steps fired, notes for the user."""

    proposal: str
    steps: list[tuple[str, str | None, str]] = field(default_factory=list)  # action, from, to
    notes: list[str] = field(default_factory=list)
    decision: Decision | None = None
    version: int | None = None


class Workflow:
    """Commands on one store, for one county, by one actor."""

    def __init__(self, ws: Workspace, db: Path, actor: str | None,
                 process: Process | None = None,
                 conn: sqlite3.Connection | None = None) -> None:
        self.base = ws
        self.db = Path(db)
        self.process = process or load_process()
        self.role = parse_role(actor, ws.county) if actor is not None else None
        self.at = now()
        self.conn = conn  # None: open the store for each command

    def acting(self, actor: str) -> Workflow:
        """The same store, county and connection, another actor."""
        return Workflow(self.base, self.db, actor, self.process, self.conn)

    # -- plumbing ----------------------------------------------------------------------------
    @contextmanager
    def _tx(self, create: bool = False, write: bool = True) -> Iterator[Store]:
        with transaction(self.db, create=create, conn=self.conn, write=write) as st:
            bound = st.meta("county")
            name = self.base.county.name
            if bound is None:
                if not create:
                    raise UsageError(f"数据库 {self.db} 尚未使用")
                self._initialise(st)
            elif bound != name:
                raise UsageError(f"数据库 {self.db} 属于 “{bound}”，不能用于 “{name}”",
                                 hint="用 --county 指定该数据库所属的县区，"
                                      "或用 --db 换一个数据库。")
            yield st

    def _initialise(self, st: Store) -> None:
        """A new store: bind it to the county and publish its current lists as version 0."""
        st.execute("INSERT INTO meta (key, value) VALUES ('county', ?)", self.base.county.name)
        st.execute("INSERT INTO meta (key, value) VALUES ('process', ?)", self.process.id)
        self._save_version(st, 0, self.base)
        st.append_audit(self._stamp(), "system", "create_store", None, None, None,
                        {"county": self.base.county.name, "version": 0})

    def _stamp(self) -> str:
        return self.at.isoformat()

    def _record(self, st: Store, pid: str) -> Record:
        row = st.one("SELECT * FROM proposals WHERE id = ?", pid)
        if row is None:
            known = [r["id"] for r in st.all("SELECT id FROM proposals ORDER BY id")]
            raise UsageError(f"没有编号为 “{pid}” 的申请", hint=did_you_mean(pid, known))
        return Record.of(row)

    def _need_role(self) -> Role:
        if self.role is None:
            raise UsageError("该命令须说明以什么角色操作",
                             hint="用 --as 或环境变量 DUTY_ACTOR 指定。")
        return self.role

    def _fire(self, st: Store, record: Record | None, action: str,
              guards: dict[str, Callable[[], str | None]] | None = None,
              detail: dict[str, Any] | None = None, pid: str | None = None) -> str:
        """Check and fire one transition; returns the new state."""
        t = self.process.transition(action)
        role = self._need_role()
        before = record.state if record else None
        pid = record.id if record else pid
        label = f"“{t.label}”（{action}）"
        where = self.process.label(before) + (f"（{before}）" if before else "")
        if (before is None) != (not t.from_) or (before is not None and before not in t.from_):
            allowed = [f"{x.action}（{'/'.join(x.roles)}）" for x in
                       self.process.transitions.values() if before in x.from_]
            raise Refused(f"申请 {pid} 当前状态为{where}，不能执行{label}",
                          hint=("当前可执行：" + "、".join(allowed)) if allowed else
                          "该申请的流程已经结束。")
        if role.kind not in t.roles:
            raise Refused(f"申请 {pid} 当前状态为{where}，角色 {role} 不能执行{label}",
                          hint="该步骤由 " + "、".join(t.roles) + " 执行。")
        if t.applicant_only and record is not None and str(role) != record.applicant:
            raise Refused(f"申请 {pid} 当前状态为{where}，由 {record.applicant.partition(':')[2]}"
                          f" 提出，{role} 不能执行{label}")
        missing = []
        for name in t.guards:
            check = (guards or {}).get(name)
            if check is None:
                raise RuntimeError(f"guard {name} of {action} not supplied")
            problem = check()
            if problem:
                missing.append(problem)
        if missing:
            raise Refused(f"申请 {pid} 当前状态为{where}，不能执行{label}：" + "；".join(missing))
        state = self.process.states[t.to]
        due, estimated = None, False
        if state.deadline and t.to != before:
            deadline = add_working_days(self.at.date(),
                                        getattr(self.base.policy.parameters, state.deadline))
            due, estimated = deadline.due.isoformat(), deadline.estimated
        if record is not None and t.to != before:  # a step inside a state keeps its deadline
            st.execute("UPDATE proposals SET state = ?, state_since = ?, due = ?, "
                       "due_estimated = ? WHERE id = ?", t.to, self._stamp(), due,
                       int(estimated), record.id)
            record.state, record.due = t.to, due
        st.append_audit(self._stamp(), str(role), action, pid, before, t.to, detail or {})
        return t.to

    # -- evaluation in the process -----------------------------------------------------------
    def _current(self, st: Store) -> Workspace:
        """The county as the published proposals left it, in publication order."""
        rows = st.all("SELECT proposal FROM version_proposals ORDER BY version, rowid")
        return self._apply(st, self.base, [r["proposal"] for r in rows])

    def _apply(self, st: Store, ws: Workspace, pids: Sequence[str]) -> Workspace:
        """``ws`` with the final decisions of ``pids`` applied, in order."""
        if not pids:
            return ws
        decisions, items = [], []
        for pid in pids:  # the decision as published (stores before 0.2: the meeting's)
            row = st.one("SELECT decision, item FROM decisions WHERE proposal = ? AND "
                         "stage IN ('decision', 'publication') ORDER BY seq DESC LIMIT 1", pid)
            assert row is not None, pid  # publication needs admission, admission a decision
            decisions.append(Decision.model_validate_json(row["decision"]))
            items.append(DutyItem.model_validate_json(row["item"]))
        return apply_decisions(ws, decisions, items)

    def _evaluate(self, st: Store, record: Record, stage: str, meeting: str | None = None,
                  ws: Workspace | None = None) -> tuple[Decision, DutyItem]:
        """The rules on the lists as they stand (``ws``, default: as published), with the
        procedural facts from the records; the decision is stored with its stage."""
        decision, item = self._judge(st, record, stage, meeting, ws or self._current(st))
        self._store_decision(st, record, stage, decision, item)
        return decision, item

    def _store_decision(self, st: Store, record: Record, stage: str, decision: Decision,
                        item: DutyItem) -> None:
        policy = decision.policy
        st.execute("INSERT INTO decisions (proposal, stage, at, verdict, policy_id, "
                   "policy_version, policy_hash, decision, item) VALUES (?,?,?,?,?,?,?,?,?)",
                   record.id, stage, self._stamp(), decision.verdict, policy.id,
                   policy.version, policy.hash, decision.model_dump_json(),
                   item.model_dump_json())

    def _judge(self, st: Store, record: Record, stage: str, meeting: str | None,
               ws: Workspace) -> tuple[Decision, DutyItem]:
        proposal = Proposal.model_validate(record.document)
        if stage == "review":  # steps not reached yet are taken as going well
            update: dict[str, Any] = {
                "legal_review": "passed",
                "hearing": dict.fromkeys(record.streets, "agree"),
                "meeting": Meeting(body=MEETING_BODY, ref="（待审定）", decided=True)}
        else:
            opinions = {r["street"]: r["opinion"] for r in st.all(
                "SELECT street, opinion FROM opinions WHERE proposal = ? ORDER BY seq",
                record.id)}
            update = {"legal_review": record.legal, "hearing": opinions or None,
                      "meeting": Meeting(body=MEETING_BODY, ref=meeting, decided=True)
                      if meeting else None}
        doc = Document(self.db, record.document, {}, f"数据库中的申请 {record.id}")
        # the targets as the lists stand now (a revision's streets may have changed since
        # the hearing): opinions count for the streets that are still targets
        item, from_catalogue, targets = resolve(
            ws, ProposalSource(proposal.model_copy(update={"hearing": None}), doc))
        if update["hearing"]:
            update["hearing"] = {s: o for s, o in update["hearing"].items()
                                 if s in targets} or None
        proposal = proposal.model_copy(update=update)
        return decide(ws, proposal, item, from_catalogue, targets), item

    def _blocking(self, decision: Decision) -> str:
        blocking = set(self.base.policy.combine.precedence) - {"condition"}
        shown = [f"{f.rule}{'@' + f.street if f.street else ''}：{f.message}"
                 for f in decision.findings if f.effect in blocking]
        return f"规则评估结论为 {decision.verdict}" + ("（" + "；".join(shown[:5]) + "）"
                                                   if shown else "")

    # -- commands ----------------------------------------------------------------------------
    def submit(self, path: Path, draft: bool = False) -> Outcome:
        return self.submit_source(load_proposal(path), draft)

    def submit_source(self, source: ProposalSource, draft: bool = False) -> Outcome:
        """Store a proposal (a new one, or a revision of a draft or returned one) and submit
        it unless ``draft``."""
        p = source.proposal
        role = self._need_role()
        notes = []
        if p.hearing or p.meeting or p.legal_review != "pending":
            notes.append("申请文件中的 legal_review、hearing、meeting 字段在流程中不起作用："
                         "以司法局的审查结果、街道反馈的意见和会议决定记录为准。")
        with self._tx(create=True) as st:
            ignored = p.model_copy(update={"hearing": None})  # the records count, not the file
            _, _, targets = resolve(self._current(st), ProposalSource(ignored, source.doc))
            row = st.one("SELECT * FROM proposals WHERE id = ?", p.id)
            record = Record.of(row) if row else None
            out = Outcome(p.id, notes=notes)
            if p.change == "recall":  # the streets that list the item now: those are heard
                p = p.model_copy(update={"streets": targets})
            document = p.model_dump(mode="json")
            guards = {"applicant_may_propose": lambda: self._may_propose(role, p, targets)}
            if record is None:
                t = self._fire(st, None, "draft", pid=p.id, guards=guards,
                               detail={"file": source.doc.display, "revision": 1})
                st.execute("INSERT INTO proposals (id, department, title, state, revision, "
                           "document, streets, urgency, state_since, created, change, "
                           "applicant) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", p.id, p.department,
                           p.title, t, 1, json.dumps(document, ensure_ascii=False),
                           json.dumps(targets), p.urgency, self._stamp(), self._stamp(),
                           p.change, str(role))
                out.steps.append(("draft", None, t))
                record = self._record(st, p.id)
            elif record.department != p.department:
                raise Refused(f"申请 {p.id} 由 {record.department} 提出，不能改由 {p.department}")
            else:
                if record.state in ("draft", "returned"):
                    record.revision += 1
                    st.execute("UPDATE proposals SET document = ?, title = ?, streets = ?, "
                               "urgency = ?, revision = ?, change = ?, legal = 'pending' "
                               "WHERE id = ?", json.dumps(document, ensure_ascii=False),
                               p.title, json.dumps(targets), p.urgency, record.revision,
                               p.change, p.id)
                if draft:  # checked like a submission: the applicant, and what it may propose
                    before = record.state
                    t = self._fire(st, record, "save_draft", guards=guards, detail={
                        "file": source.doc.display, "revision": record.revision})
                    out.steps.append(("save_draft", before, t))
            if not draft:
                before = record.state
                t = self._fire(st, record, "submit", guards=guards,
                               detail={"file": source.doc.display, "revision": record.revision})
                out.steps.append(("submit", before, t))
            return out

    @staticmethod
    def _may_propose(role: Role, p: Proposal, targets: Sequence[str]) -> str | None:
        """Why ``role`` may not make this proposal (None: it may). A department proposes for
        its own items; a street may ask only for an item to be taken back from itself or for
        the row of an item on its own lists to be revised."""
        if role.kind == "department":
            return None if role.id == p.department else (
                f"申请 {p.id} 由 {p.department} 提出，{role} 不能提交")
        if p.change == "admit":
            return "向街道交办职责须由部门申请准入，街道只能申请收回或动态调整"
        if p.change == "recall" and list(targets) != [role.id]:
            return f"街道只能申请从本街道收回事项，申请的目标街道须为 [{role.id}]"
        if p.change == "revise" and role.id not in targets:
            return f"该事项不在 {role.id} 的清单中，{role} 不能申请调整"
        return None

    def review(self, pid: str) -> Outcome:
        with self._tx() as st:
            record = self._record(st, pid)
            out = Outcome(pid)
            before = record.state
            self._fire(st, record, "start_review")
            out.steps.append(("start_review", before, record.state))
            try:
                decision, _ = self._evaluate(st, record, "review")
            except DataError as exc:  # the county changed under it (e.g. its item id taken)
                problem = "申请与现行县区数据不符：" + exc.render()
                self._fire(st, record, "return", detail={"error": exc.render()},
                           guards={"evaluation_blocks": lambda: None})
                out.steps.append(("return", "office_review", record.state))
                out.notes.append(problem)
                return out
            out.decision = decision
            clear = decision.verdict in ADMITTED
            action = "pass_review" if clear else "return"
            reasons = {"verdict": decision.verdict,
                       "findings": [f.rule for f in decision.findings
                                    if f.effect in ("reject", "return", "defer")]}
            self._fire(st, record, action, detail=reasons, guards={
                "evaluation_clear": lambda: None if clear else self._blocking(decision),
                "evaluation_blocks": lambda: None if not clear else "规则评估没有阻断事项"})
            out.steps.append((action, "office_review", record.state))
            if not clear:
                out.notes.append(self._blocking(decision))
            return out

    def legal(self, pid: str, passed: bool) -> Outcome:
        with self._tx() as st:
            record = self._record(st, pid)
            before = record.state
            action = "legal_pass" if passed else "legal_fail"
            self._fire(st, record, action)
            st.execute("UPDATE proposals SET legal = ? WHERE id = ?",
                       "passed" if passed else "failed", pid)
            return Outcome(pid, steps=[(action, before, record.state)])

    def hear(self, pid: str, street: str, opinion: str, note: str | None) -> Outcome:
        role = self._need_role()
        with self._tx() as st:
            record = self._record(st, pid)
            if role.kind == "street" and role.id != street:
                raise Refused(f"申请 {pid} 当前状态为{self.process.label(record.state)}"
                              f"（{record.state}），不能执行“街道反馈意见”（opinion）："
                              f"{role} 只能反馈本街道的意见，不能代 {street} 反馈")
            before = record.state
            self._fire(st, record, "opinion", detail={"street": street, "opinion": opinion},
                       guards={"target_street": lambda: None if street in record.streets else
                               f"{street} 不是该申请的目标街道"})
            fault_point("after-opinion-audit")
            st.execute("INSERT INTO opinions (proposal, street, opinion, note, at, actor) "
                       "VALUES (?,?,?,?,?,?)", pid, street, opinion, note, self._stamp(),
                       str(role))
            out = Outcome(pid, steps=[("opinion", before, record.state)])
            if not self._unheard(st, record):
                self._fire(st, record, "close_hearing", detail={"reason": "all_heard"},
                           guards={"hearing_closed": lambda: None})
                out.steps.append(("close_hearing", "hearing", record.state))
            return out

    def _unheard(self, st: Store, record: Record) -> list[str]:
        heard = {r["street"] for r in st.all("SELECT street FROM opinions WHERE proposal = ?",
                                             record.id)}
        return [s for s in record.streets if s not in heard]

    def decide(self, pid: str, meeting: str | None, outcome: str) -> Outcome:
        role = self._need_role()
        with self._tx() as st:
            record = self._record(st, pid)
            out = Outcome(pid)
            if record.state == "hearing":
                unheard = self._unheard(st, record)
                late = record.due is not None and self.at.date() > date.fromisoformat(record.due)

                def closed() -> str | None:
                    if not unheard or late:
                        return None
                    return (f"听取意见尚未结束：{'、'.join(unheard)} 尚未反馈，"
                            f"期限为 {record.due}")

                self._fire(st, record, "close_hearing", guards={"hearing_closed": closed},
                           detail={"reason": "deadline_passed", "deemed": unheard})
                for s in unheard:
                    st.execute("INSERT INTO opinions (proposal, street, opinion, note, at, "
                               "actor) VALUES (?,?,?,?,?,?)", pid, s, "agree", DEEMED,
                               self._stamp(), str(role))
                out.steps.append(("close_hearing", "hearing", record.state))
            before = record.state
            if outcome == "provisional":
                decision, _ = self._evaluate(st, record, "decision")
                self._fire(st, record, "provisional", guards={
                    "emergency": lambda: None if record.urgency == "emergency" else
                    "只有突发事件（urgency: emergency）才能临时准入",
                    "evaluation_admits": lambda: None if decision.verdict in ADMITTED else
                    self._blocking(decision)}, detail={"verdict": decision.verdict})
                out.decision = decision
            else:
                decision = None
                if outcome == "admit" and meeting:
                    decision, _ = self._evaluate(st, record, "decision", meeting)
                    out.decision = decision
                action = outcome
                self._fire(st, record, action, detail={"meeting": meeting}, guards={
                    "meeting_recorded": lambda: None if meeting else
                    "须有县委或县政府会议的审定记录（--meeting 会议编号）",
                    "evaluation_admits": lambda: None if decision is None or
                    decision.verdict in ADMITTED else self._blocking(decision)})
                st.execute("INSERT INTO meetings (proposal, ref, outcome, at, actor) "
                           "VALUES (?,?,?,?,?)", pid, meeting, outcome, self._stamp(),
                           str(role))
            out.steps.append((outcome, before, record.state))
            return out

    def publish(self, pids: Sequence[str]) -> Outcome:
        if len(set(pids)) != len(pids):
            raise UsageError("同一申请列出了两次")
        with self._tx() as st:
            out = Outcome(", ".join(pids))
            records = [self._record(st, pid) for pid in pids]
            batch = _Batch(self._current(st))
            for record in records:
                before = record.state
                judged: list[tuple[Decision, DutyItem]] = []
                self._fire(st, record, "publish", guards={"still_admitted": partial(
                    batch.judge, partial(self._still_admitted, st, record), judged)})
                decision, item = judged[0]
                self._store_decision(st, record, "publication", decision, item)
                batch.add(decision, item)
                out.steps.append(("publish", before, record.state))
            after = batch.applied()
            row = st.one("SELECT MAX(number) AS n FROM versions")
            number = int(row["n"]) + 1 if row else 1
            self._save_version(st, number, after)
            for record in records:
                st.execute("INSERT INTO version_proposals (version, proposal) VALUES (?, ?)",
                           number, record.id)
            out.version = number
            return out

    def _still_admitted(self, st: Store, record: Record, ws: Workspace,
                        judged: list[tuple[Decision, DutyItem]]) -> str | None:
        """The rules once more, on the lists as this publication finds them (other proposals
        may have changed the item since the meeting); ``judged`` receives the decision as
        published: the streets the meeting admitted that the rules still admit."""
        meeting = st.one("SELECT ref FROM meetings WHERE proposal = ? AND outcome = 'admit' "
                         "ORDER BY seq DESC LIMIT 1", record.id)
        try:
            decision, item = self._judge(st, record, "publication",
                                         meeting["ref"] if meeting else None, ws)
        except DataError as exc:
            return "按现行清单，申请已不成立：" + exc.render()
        if decision.verdict not in ADMITTED:
            return "审定后清单已有变化，" + self._blocking(decision)
        row = st.one("SELECT decision FROM decisions WHERE proposal = ? AND stage = 'decision' "
                     "ORDER BY seq DESC LIMIT 1", record.id)
        agreed = set(changed_streets(Decision.model_validate_json(row["decision"])))
        judged.append((decision.model_copy(update={"streets": [
            s for s in decision.streets if s.street in agreed or s.verdict not in ADMITTED]}),
            item))
        return None

    def _save_version(self, st: Store, number: int, ws: Workspace) -> None:
        st.execute("INSERT INTO versions (number, at, lists, names) VALUES (?,?,?,?)",
                   number, self._stamp(), zlib.compress(build_lists(ws).model_dump_json().encode()),
                   json.dumps(ws.names, ensure_ascii=False, sort_keys=True))

    def withdraw(self, pid: str) -> Outcome:
        with self._tx() as st:
            record = self._record(st, pid)
            before = record.state
            self._fire(st, record, "withdraw")
            return Outcome(pid, steps=[("withdraw", before, record.state)])

    # -- reading -----------------------------------------------------------------------------
    def show(self, pid: str) -> dict[str, Any]:
        with self._tx(write=False) as st:
            record = self._record(st, pid)
            opinions = {r["street"]: {"opinion": r["opinion"], "note": r["note"], "at": r["at"],
                                      "actor": r["actor"]}
                        for r in st.all("SELECT * FROM opinions WHERE proposal = ? ORDER BY seq",
                                        pid)}
            decisions = [{"stage": r["stage"], "at": r["at"], "verdict": r["verdict"],
                          "policy": {"id": r["policy_id"], "version": r["policy_version"],
                                     "hash": r["policy_hash"]},
                          "decision": json.loads(r["decision"])}
                         for r in st.all("SELECT * FROM decisions WHERE proposal = ? "
                                         "ORDER BY seq", pid)]
            meetings = [{"ref": r["ref"], "outcome": r["outcome"], "at": r["at"],
                         "actor": r["actor"]}
                        for r in st.all("SELECT * FROM meetings WHERE proposal = ? ORDER BY seq",
                                        pid)]
            row = st.one("SELECT * FROM proposals WHERE id = ?", pid)
            assert row is not None
            version = st.one("SELECT version FROM version_proposals WHERE proposal = ?", pid)
            return {"id": pid, "title": record.title, "change": record.change,
                    "applicant": record.applicant, "department": record.department,
                    "state": record.state, "state_label": self.process.label(record.state),
                    "revision": record.revision, "urgency": record.urgency,
                    "legal_review": record.legal, "streets": record.streets,
                    "unheard": self._unheard(st, record) if record.state == "hearing" else [],
                    "due": row["due"], "due_estimated": bool(row["due_estimated"]),
                    "opinions": opinions, "meetings": meetings, "decisions": decisions,
                    "published_in": version["version"] if version else None}

    def history(self, pid: str) -> list[dict[str, Any]]:
        with self._tx(write=False) as st:
            self._record(st, pid)
            return [{"seq": r["seq"], "at": r["at"], "actor": r["actor"], "action": r["action"],
                     "from": r["state_before"], "to": r["state_after"],
                     "detail": json.loads(r["detail"])}
                    for r in st.all("SELECT * FROM audit WHERE proposal = ? ORDER BY seq", pid)]

    def list(self, state: str | None) -> list[dict[str, Any]]:
        if state is not None and state not in self.process.states:
            raise UsageError(f"未知的状态 “{state}”",
                             hint=did_you_mean(state, self.process.states) or
                             "状态：" + "、".join(self.process.states))
        with self._tx(write=False) as st:
            rows = st.all("SELECT * FROM proposals WHERE (? IS NULL OR state = ?) ORDER BY id",
                          state, state)
            return [{"id": r["id"], "title": r["title"], "change": r["change"],
                     "applicant": r["applicant"], "department": r["department"],
                     "state": r["state"], "due": r["due"]} for r in rows]

    def overdue(self) -> list[dict[str, Any]]:
        today = self.at.date()
        out = []
        with self._tx(write=False) as st:
            for row in st.all("SELECT * FROM proposals WHERE due IS NOT NULL AND due < ? "
                              "ORDER BY due, id", today.isoformat()):
                record = Record.of(row)
                state = self.process.states[record.state]
                if record.state == "hearing":
                    actors = [f"street:{s}" for s in self._unheard(st, record)]
                elif state.waiting_for == "applicant":
                    actors = [record.applicant]
                else:
                    actors = [state.waiting_for or "office"]
                out.append({"id": record.id, "title": record.title, "state": record.state,
                            "due": record.due, "estimated": bool(row["due_estimated"]),
                            "days_late": _working_days_late(record.due, today),
                            "waiting_for": actors})
        return out


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
        if self.pending and (problem or self.touched & _keys(judged[0][1])):
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


def _keys(item: DutyItem) -> set[object]:
    return {item.id, (item.name, item.department)}


def _working_days_late(due: str | None, today: date) -> int:
    from engine.workflow.calendar import working_days_between

    return working_days_between(date.fromisoformat(due), today) if due else 0

