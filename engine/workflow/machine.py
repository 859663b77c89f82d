"""The process machine: may this role take this step now?

Pure: it reads the process (states, transitions, roles), the proposal's state and applicant,
and the facts the guards need, and either returns the transition or raises. It writes
nothing. Guards are functions registered here by name; the process file names them, and
loading the file checks that every name is registered.

Order of checks: the state first (a step that cannot happen in this state is refused
whoever asks), then the role, then the applicant, then the guards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.decide.combine import ADMITTED
from engine.errors import ForbiddenError, RefusedError
from engine.models.decision import Decision
from engine.models.workflow import Transition
from engine.workflow.names import LEVELS, Action, GuardName
from engine.workflow.process import Process
from engine.workflow.roles import Actor


def _none() -> None:
    return None


@dataclass
class GuardFacts:
    """What the guards read, supplied by the service; costly facts are computed on demand."""

    streets: list[str] = field(default_factory=list)  # the proposal's target streets
    street: str | None = None  # the street an opinion is for
    unheard: list[str] = field(default_factory=list)
    late: bool = False  # the hearing period is over
    due: str | None = None
    urgency: str = "normal"
    meeting: str | None = None
    evaluation: Callable[[], Decision | None] = _none
    blocking: Callable[[Decision], str] = lambda d: d.verdict
    proposal_problem: Callable[[], str | None] = _none
    publication_problem: Callable[[], str | None] = _none
    # a street's own request: the street asking, the department concerned, the department
    # acting (for its opinion), and whether that department's opinion on this draft is recorded
    requested_by: str | None = None
    department: str | None = None
    acting_department: str | None = None
    department_heard: bool = True
    # the review up the levels (逐级报送): the levels the county's admission must pass, in
    # order, those that have approved it since, and whether a city or province acting is the
    # county's own
    levels: list[str] = field(default_factory=list)
    approved: set[str] = field(default_factory=set)
    oversees: bool = True


Guard = Callable[[GuardFacts], str | None]
GUARDS: dict[str, Guard] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    def register(check: Guard) -> Guard:
        GuardName(name)  # only the names the process file is checked against
        GUARDS[name] = check
        return check
    return register


def _admits(decision: Decision | None) -> bool:
    return decision is not None and decision.verdict in ADMITTED


@guard("applicant_may_propose")
def _may_propose(f: GuardFacts) -> str | None:
    return f.proposal_problem()


@guard("evaluation_clear")
def _clear(f: GuardFacts) -> str | None:
    decision = f.evaluation()
    return None if _admits(decision) or decision is None else f.blocking(decision)


@guard("evaluation_blocks")
def _blocks(f: GuardFacts) -> str | None:
    return "规则评估没有阻断事项" if _admits(f.evaluation()) else None


@guard("evaluation_admits")
def _evaluation_admits(f: GuardFacts) -> str | None:
    decision = f.evaluation()
    return None if decision is None or _admits(decision) else f.blocking(decision)


@guard("target_street")
def _target(f: GuardFacts) -> str | None:
    return None if f.street in f.streets else f"{f.street} 不是该申请的目标街道"


@guard("street_request")
def _street_request(f: GuardFacts) -> str | None:
    return None if f.requested_by else "该申请不是街道提出的，无须部门另行反馈意见"


@guard("concerned_department")
def _concerned(f: GuardFacts) -> str | None:
    return None if f.acting_department == f.department else (
        f"该事项属于 {f.department}，只有该部门能反馈意见")


@guard("department_heard")
def _department_heard(f: GuardFacts) -> str | None:
    return None if f.department_heard else (
        f"街道 {f.requested_by} 提出的申请须先听取 {f.department} 的意见")


@guard("hearing_closed")
def _closed(f: GuardFacts) -> str | None:
    if not f.unheard or f.late:
        return None
    return f"听取意见尚未结束：{'、'.join(f.unheard)} 尚未反馈，期限为 {f.due}"


@guard("emergency")
def _emergency(f: GuardFacts) -> str | None:
    return None if f.urgency == "emergency" else "只有突发事件（urgency: emergency）才能临时准入"


@guard("meeting_recorded")
def _meeting(f: GuardFacts) -> str | None:
    return None if f.meeting else "须有县委或县政府会议的审定记录（会议编号）"


@guard("still_admitted")
def _still(f: GuardFacts) -> str | None:
    return f.publication_problem()


LEVEL_WORDS = {"city": "市级", "province": "省级"}


def _pending(f: GuardFacts) -> list[str]:
    return [level for level in f.levels if level not in f.approved]


@guard("city_review_required")
def _city_required(f: GuardFacts) -> str | None:
    if "city" not in f.levels:
        return "县区未要求该类申请报市级审核"
    return "市级已审核同意" if "city" in f.approved else None


@guard("province_review_required")
def _province_required(f: GuardFacts) -> str | None:
    pending = _pending(f)
    if "province" not in f.levels:
        return "县区未要求该类申请报省级审核"
    if "province" not in pending:
        return "省级已审核同意"
    return None if pending[0] == "province" else "须先经市级审核同意"


@guard("reviewed_upward")
def _reviewed(f: GuardFacts) -> str | None:
    pending = _pending(f)
    return None if not pending else (
        "须先经" + "、".join(LEVEL_WORDS[x] for x in pending) + "审核同意")


def check_step(process: Process, action: Action, state: str | None, actor: Actor,
               applicant: str | None, facts: GuardFacts, pid: str | None) -> Transition:
    """The transition ``action`` from ``state`` if ``actor`` may take it now; else raises
    ``RefusedError`` (state, guards) or ``ForbiddenError`` (role, applicant)."""
    t = process.transition(action.value)
    label = f"“{t.label}”（{t.action}）"
    where = process.label(state) + (f"（{state}）" if state else "")
    if (state is None) != (not t.from_) or (state is not None and state not in t.from_):
        offered = [x for x in process.transitions.values()
                   if state in x.from_ and not x.automatic]
        allowed = [f"{x.action}（{'/'.join(x.roles)}）" for x in offered]
        raise RefusedError(f"申请 {pid} 当前状态为{where}，不能执行{label}", proposal=pid,
                           action=t.action, state=state, allowed=[x.action for x in offered],
                           hint=("当前可执行：" + "、".join(allowed)) if allowed else
                           "该申请的流程已经结束。")
    role = actor.role
    if role.kind.value not in t.roles:
        raise ForbiddenError(f"申请 {pid} 当前状态为{where}，角色 {role} 不能执行{label}",
                             account=actor.recorded, role=str(role), action=t.action,
                             hint="该步骤由 " + "、".join(t.roles) + " 执行。")
    if role.kind in LEVELS and not facts.oversees:
        raise ForbiddenError(f"申请 {pid} 所属县区不在 {role} 的辖区内，{role} 不能执行{label}",
                             account=actor.recorded, role=str(role), action=t.action,
                             hint="市级、省级账号只能审核本市、本省所辖县区的申请。")
    if t.applicant_only and applicant is not None and str(role) != applicant:
        raise ForbiddenError(f"申请 {pid} 当前状态为{where}，由 {applicant.partition(':')[2]}"
                             f" 提出，{role} 不能执行{label}", account=actor.recorded,
                             role=str(role), action=t.action)
    reasons = [problem for name in t.guards if (problem := GUARDS[name](facts))]
    if reasons:
        raise RefusedError(f"申请 {pid} 当前状态为{where}，不能执行{label}：" + "；".join(reasons),
                           proposal=pid, action=t.action, state=state, reasons=reasons)
    return t
