"""Evaluate proposals: resolve them against the county, build facts, run the rules, decide."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from engine.collector import paused
from engine.decide import combine
from engine.decide.assign import NO_FUNDING, Parties, Plan, apply_plan, funding, plan
from engine.errors import DataError, DataErrors, did_you_mean
from engine.graph import CountyGraph
from engine.loading.policy import Policy
from engine.loading.proposal import ProposalSource
from engine.loading.workspace import Workspace, domain_error
from engine.models.county import LAYOUT_FIELDS, DutyItem
from engine.models.decision import (
    Decision,
    Finding,
    ItemSummary,
    PolicyRef,
    PowerSource,
    StreetDecision,
    built,
)
from engine.models.policy import Assignment, Case, Rule
from engine.models.proposal import ItemRef, Meeting, Proposal, Resources
from engine.rules import adapter
from engine.rules.facts import STREET_FIELDS, proposal_fact, street_fact
from engine.vocab import LABELS, label


def ruleset(policy: Policy) -> adapter.CompiledRuleset:
    """The policy's compiled ruleset (built once per policy content)."""
    found = adapter.registered(policy.hash)
    if found is None:
        specs = [adapter.RuleSpec(r.scope, tuple(c.when for c in cases))
                 for r, cases in zip(policy.rules, policy.cases, strict=False)]
        found = adapter.compiled(policy.hash, f"{policy.id}@{policy.version}", specs,
                                 policy.raw_parameters)
    return found


def resolve(ws: Workspace, source: ProposalSource) -> tuple[DutyItem, bool, list[str]]:
    """The proposal's item (catalogue or inline), whether it is a catalogue item, its streets."""
    p, doc, county = source.proposal, source.doc, ws.county
    errors: list[DataError] = []

    def unknown(value: str, known: Mapping[str, object], what: str,
                loc: tuple[str | int, ...]) -> None:
        errors.append(DataError(f"未知的{what} “{value}”", location=doc.location(loc),
                                code="E-REF", hint=did_you_mean(value, known)))

    if p.department not in county.departments:
        unknown(p.department, county.departments, "部门", ("department",))
    if p.streets == "all":
        targets = list(county.streets)
    else:
        for i, sid in enumerate(p.streets):
            if sid not in county.streets:
                unknown(sid, county.streets, "街道", ("streets", i))
        if len(set(p.streets)) != len(p.streets):
            errors.append(DataError("目标街道重复", location=doc.location(("streets",)),
                                    code="E-DUP"))
        if not p.streets:
            errors.append(DataError("至少要有一个目标街道", location=doc.location(("streets",)),
                                    code="E-SCHEMA"))
        wanted = set(p.streets)
        targets = [s for s in county.streets if s in wanted]
    errors += _change_errors(source)
    from_catalogue = isinstance(p.item, ItemRef)
    item: DutyItem | None = None
    if isinstance(p.item, ItemRef):
        item = county.items.get(p.item.ref)
        if item is None:
            unknown(p.item.ref, county.items, "目录事项", ("item", "ref"))
        elif item.department != p.department:
            errors.append(DataError(
                f"目录事项 {item.id} 属于部门 {item.department}，不能由 {p.department} 申请",
                location=doc.location(("item", "ref")), code="E-REF",
                hint="申请中的 department 须为事项所属部门。"))
        elif p.change != "admit":
            if p.streets == "all":
                targets = county.listed_on(item)
                if not targets:
                    errors.append(DataError(
                        f"目录事项 {item.id} 已不在任何街道的清单中，无从{label(p.change)}",
                        location=doc.location(("item", "ref")), code="E-REF"))
            if p.revision is not None:
                item = DutyItem.model_validate({**item.model_dump(), **p.revision.changed(),
                                                "funding": p.resources.funding})
    else:
        new = p.item
        if new.department is not None and new.department != p.department:
            errors.append(DataError(
                f"事项所属部门 {new.department} 与申请部门 {p.department} 不一致",
                location=doc.location(("item", "department")), code="E-REF",
                hint="准入申请须由事项所属部门提出；删去 item.department 即取申请部门。"))
        item_id = new.id or p.id
        if item_id in county.items:
            errors.append(DataError(
                f"新增事项编号 “{item_id}” 与目录事项重复",
                location=doc.location(("item", "id") if new.id else ("id",)), code="E-DUP",
                hint=f"引用目录事项请写 item: {{ref: {item_id}}}，新增事项请另取编号。"))
        data = new.model_dump(exclude={"id", "department"})
        item = DutyItem(id=item_id, department=p.department, **data)
        same = next((c for c in county.items.values()
                     if c.name == new.name and c.department == p.department), None)
        if same is not None and same.id != new.id:  # one duty, one row
            given = {k: v for k, v in data.items() if v is not None or k not in LAYOUT_FIELDS}
            alike = same.model_dump(include=set(given)) == given
            if alike and new.id is None:  # the inline item is that catalogue item
                item, from_catalogue = same, True
            else:
                errors.append(DataError(
                    f"新增事项与目录事项 {same.id} 同名（同一部门）" + ("" if alike else
                                                                    "，但内容不同"),
                    location=doc.location(("item", "name")), code="E-DUP",
                    hint=f"申请目录中的事项请写 item: {{ref: {same.id}}}，修改它请用 "
                         "change: revise；确是另一事项的，请另取名称。"))
    for sid in p.hearing or {}:
        if sid not in county.streets:
            unknown(sid, county.streets, "街道", ("hearing", sid))
        elif targets and sid not in targets:  # no targets is reported once, above
            errors.append(DataError(f"街道 {sid} 不是本申请的目标街道，不应出现在意见中",
                                    location=doc.location(("hearing", sid)), code="E-REF"))
    if item is not None and (not from_catalogue or p.revision is not None):  # new fields
        part = "revision" if p.revision is not None else "item"
        wrong = domain_error(item.domain, ws.policy, doc.location((part, "domain")))
        errors += [wrong] if wrong is not None else []
        if item.takeover is not None and item.takeover not in county.departments:
            unknown(item.takeover, county.departments, "部门", (part, "takeover"))
    if errors:
        raise DataErrors(errors)
    assert item is not None
    return item, from_catalogue, targets


def _change_errors(source: ProposalSource) -> list[DataError]:
    """What each kind of change needs: admit and revise a mode, revise its revision, recall
    and revise a listed item, revise the whole row."""
    p, doc = source.proposal, source.doc
    errors: list[DataError] = []

    def error(message: str, loc: tuple[str | int, ...], hint: str | None = None) -> None:
        errors.append(DataError(message, location=doc.location(loc), code="E-SCHEMA",
                                hint=hint))

    what = label(p.change)
    if p.change == "recall":
        if p.mode is not None:
            error("收回申请不写 mode：收回后事项的各环节都由部门承担", ("mode",),
                  "删去 mode。")
        if p.resources != Resources():
            error("收回申请不写 resources：收回后不再向街道转移经费、人员和职权",
                  ("resources",), "删去 resources。")
    elif p.mode is None:
        error(f"{what}申请须写明街道承担的方式 mode", ("mode",),
              "mode: hand_over（交由）、entrust（委托）或 assist（请求协助）。")
    if p.change == "revise":
        if p.revision is None:
            error("动态调整申请须用 revision 写明要调整的字段", ("change",),
                  "例如 revision: {phases: [patrol, report]}。")
        elif not p.revision.changed():
            error("revision 至少要写一个调整的字段", ("revision",))
        if p.streets != "all":
            error("动态调整针对事项所在的全部街道，streets 须为 all", ("streets",),
                  "只涉及部分街道的，请对其余街道提出收回或另立事项。")
    elif p.revision is not None:
        error("只有动态调整（change: revise）的申请才写 revision", ("revision",))
    if p.change != "admit" and not isinstance(p.item, ItemRef):
        error(f"{what}申请须引用清单中的目录事项", ("item",), "写 item: {ref: 事项编号}。")
    if p.handover_until is not None and p.change != "recall":
        error("只有收回（change: recall）的申请才写交接期 handover_until", ("handover_until",),
              "准入写 effective 和 until；删去 handover_until。")
    if p.change == "recall" and p.until is not None:
        error("收回申请不写 until：收回自 effective 起施行，交接期写 handover_until",
              ("until",), "删去 until。")
    if p.change == "revise":
        for name in ("effective", "until"):
            if getattr(p, name) is not None:
                error(f"动态调整申请不写 {name}：调整自公布之日起施行", (name,),
                      f"删去 {name}；须按日期施行的，请另提收回或准入申请。")
    if p.urgency == "temporary" and p.until is not None:
        error("临时性工作用 ends 写结束日期，不写 until", ("until",), "删去 until。")
    return errors


def listed_streets(ws: Workspace, item: DutyItem, from_catalogue: bool) -> set[str]:
    """Streets whose lists already hold the item (none for a new item).

    An item taken back from a street (``recalled``, or by a recall proposal) is no longer
    that street's duty: handing it back needs admission like a new one.
    """
    return set(ws.county.listed_on(item)) if from_catalogue else set()


class _Display:
    """Message placeholders: vocabulary in Chinese, ids by name, lists joined with 、.

    A placeholder is the fact's field of that name, else the pack parameter (read in place:
    no merged copy per message). Fields with a fixed vocabulary show its Chinese label; other
    fields hold ids (departments, streets, units, institutions) and show their names, so an
    id that happens to be a word of the vocabulary (department ``statistics``) still shows as
    its department.
    """

    __slots__ = ("fact", "names", "params")

    def __init__(self, fact: Mapping[str, Any], params: Mapping[str, Any],
                 names: Mapping[str, str]) -> None:
        self.fact, self.params, self.names = fact, params, names

    def show(self, value: Any, vocabulary: bool) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(self.show(v, vocabulary) for v in value) or "无"
        text = str(value)
        if vocabulary:
            return LABELS.get(text, text)
        return self.names.get(text) or LABELS.get(text) or text

    def __getitem__(self, key: str) -> str:
        value = self.fact[key] if key in self.fact else self.params[key]
        spec = STREET_FIELDS.get(key)
        return self.show(value, spec is not None and spec.values is not None)


_BY_FACT = attrgetter("fact", "rule", "case")


def _message(case: Case, fact: Mapping[str, Any], policy: Policy,
             names: Mapping[str, str]) -> str:
    return case.message.format_map(_Display(fact, policy.raw_parameters, names))


def evaluate(ws: Workspace, sources: Sequence[ProposalSource]) -> list[Decision]:
    """Evaluate proposals against one county; one decision per proposal, in input order."""
    return [judge(ws, s)[0] for s in sources]


def went_well(streets: Sequence[str], meeting: Meeting) -> dict[str, Any]:
    """The procedure taken as going well: the legal review passes, every street agrees and
    the meeting decides. What an evaluation assumes for the steps a proposal has not reached
    yet (at the office's review), and for an item the catalogue already places on a street's
    lists (nothing of it is still to be decided)."""
    return {"legal_review": "passed", "hearing": dict.fromkeys(streets, "agree"),
            "meeting": meeting}


def judge(ws: Workspace, source: ProposalSource, *,
          procedure: Mapping[str, Any] | None = None,
          pending: Meeting | None = None) -> tuple[Decision, DutyItem]:
    """The one evaluation path: the proposal's item and streets resolved on ``ws``, then the
    rules. Its decision and its item.

    ``procedure``: the procedure's facts as recorded elsewhere (legal review, hearing,
    meeting), in place of the file's; the streets' opinions count for the streets the lists
    still target. ``pending``: the procedure is taken as going well (``went_well``) for the
    streets the lists target, with this meeting still to come."""
    proposal = source.proposal
    if procedure is not None or pending is not None:  # the file's hearing does not count
        source = ProposalSource(proposal.model_copy(update={"hearing": None}), source.doc)
    item, from_catalogue, targets = resolve(ws, source)
    if pending is not None:
        proposal = proposal.model_copy(update=went_well(targets, pending))
    elif procedure is not None:
        update = dict(procedure)
        if update.get("hearing"):
            update["hearing"] = {s: o for s, o in update["hearing"].items()
                                 if s in targets} or None
        proposal = proposal.model_copy(update=update)
    return decide(ws, proposal, item, from_catalogue, targets), item


def build_facts(ws: Workspace, proposal: Proposal, item: DutyItem, from_catalogue: bool,
                targets: list[str], listed: set[str] | None = None,
                streets: list[str] | None = None) -> list[dict[str, Any]]:
    """The proposal fact followed by one fact per target street, in target order.

    ``listed`` overrides which streets already list the item (default: from the catalogue);
    ``streets`` limits the street facts to some of the targets.
    """
    graph, params = ws.graph, ws.policy.parameters
    if listed is None:
        listed = listed_streets(ws, item, from_catalogue)
    base = proposal_fact(proposal, item, graph, params, targets, from_catalogue, listed)
    facts: list[dict[str, Any]] = [{"kind": "proposal", **base}]
    for sid in targets if streets is None else streets:
        facts.append({"kind": "street",
                      **street_fact(base, proposal, item, sid, graph, params, sid in listed)})
    return facts


def decide(ws: Workspace, proposal: Proposal, item: DutyItem, from_catalogue: bool,
           targets: list[str], listed: set[str] | None = None) -> Decision:
    """The decision on a proposal for its targets.

    Streets the policy cannot tell apart (the same profile for the item's department, the
    same listing and the same opinion; ``engine.rules.profile``) get one street fact and one
    rule-engine pass between them, and what follows from the rules (findings, verdict, list,
    which side leads, phases moved) is worked out once for them; each street still gets its
    own decision, with its own names.
    """
    with paused():  # a tree of new objects, without cycles: nothing for the collector
        return _decide(ws, proposal, item, from_catalogue, targets, listed)


def _decide(ws: Workspace, proposal: Proposal, item: DutyItem, from_catalogue: bool,
            targets: list[str], listed: set[str] | None) -> Decision:
    if listed is None:
        listed = listed_streets(ws, item, from_catalogue)
    profiles = ws.profiles
    heard = proposal.hearing or {}
    groups: dict[tuple[Any, ...], int] = {}
    reps: list[str] = []  # the first street of each group
    member: list[int] = []  # each target's group
    for sid in targets:
        key = (profiles.key(item.department, sid), sid in listed, heard.get(sid, "none"))
        group = groups.get(key)
        if group is None:
            group = groups[key] = len(reps)
            reps.append(sid)
        member.append(group)
    facts = build_facts(ws, proposal, item, from_catalogue, targets, listed, reps)
    matches = ruleset(ws.policy).evaluate(facts)
    return assemble(ws, proposal, item, from_catalogue, targets, facts, matches, member)


def power_sources(graph: CountyGraph, proposal: Proposal, dept: str, sid: str,
                  fact: Mapping[str, Any]) -> list[PowerSource]:
    """The powers the street exercises on the item and what gave each: the county's grants
    the item needs, then the powers this decision delegates (``delegated_powers``)."""
    granted = set(fact["granted_powers"])
    out = [built(PowerSource, power=p, by="grant", basis=graph.grant_basis(sid, dept, p) or "",
                 mode=None) for p in fact["powers_needed"] if p in granted]
    out += [built(PowerSource, power=p, by="decision", basis=proposal.id, mode=proposal.mode)
            for p in fact["delegated_powers"]]
    return out


def assemble(ws: Workspace, proposal: Proposal, item: DutyItem, from_catalogue: bool,
             targets: list[str], facts: list[dict[str, Any]],
             matches: Iterable[adapter.Match], member: Sequence[int] | None = None) -> Decision:
    """The decision from the facts and the rule matches on them.

    ``facts`` are the proposal fact and then one street fact per group of targets, ``member``
    each target's group (by default every target its own fact, in order).
    """
    policy, graph = ws.policy, ws.graph
    names = ws.names
    if member is None:
        member = range(len(targets))
    per_fact: dict[int, list[tuple[Rule, Case]]] = defaultdict(list)
    for m in sorted(matches, key=_BY_FACT):
        per_fact[m.fact].append((policy.rules[m.rule], policy.cases[m.rule][m.case]))

    variants: dict[tuple[Any, ...], dict[str, Any]] = {}
    placeholders = policy.placeholders

    def finding_fields(rule: Rule, case: Case, fact: Mapping[str, Any]) -> dict[str, Any]:
        # a finding's fields depend only on its case and its message's placeholders' values:
        # work each variant out once per proposal (the dict is shared, never changed)
        key = (id(case), *[tuple(v) if isinstance(v, list) else v
                           for v in map(fact.get, placeholders[id(case)])])
        fields = variants.get(key)
        if fields is None:
            fields = variants[key] = {
                "rule": rule.id, "title": rule.title, "effect": case.effect,
                "message": _message(case, fact, policy, names),
                "basis": rule.citation.render()}
        return fields

    proposal_hits = per_fact.get(0, [])
    findings = [Finding(street=None, **finding_fields(r, c, facts[0]))
                for r, c in proposal_hits]
    proposal_effects = [c.effect for _, c in proposal_hits]
    proposal_assign = [c.assign for _, c in proposal_hits if c.assign]
    temporary = proposal.urgency == "temporary"
    money = funding(proposal.resources.funding, proposal.department,
                    "task" if temporary else "year")
    parties = Parties(graph)
    handover_end = proposal.handover_until.isoformat() if proposal.handover_until else None
    # per group: the findings' fields, the verdict and the assignment plan, worked out once
    outcomes: dict[int, tuple[list[dict[str, Any]], str, Plan, str | None]] = {}
    streets: list[StreetDecision] = []
    for sid, group in zip(targets, member, strict=True):
        outcome = outcomes.get(group)
        if outcome is None:
            fact = facts[group + 1]
            hits = per_fact.get(group + 1, [])
            assignments: list[Assignment] = [*proposal_assign,
                                             *(c.assign for _, c in hits if c.assign)]
            outcome = outcomes[group] = (
                [finding_fields(r, c, fact) for r, c in hits],
                combine.street_verdict([*proposal_effects, *(c.effect for _, c in hits)],
                                       policy.combine),
                plan(fact, assignments),
                handover_end if any(a.handover for a in assignments) else None)
        fields, verdict, planned, handover = outcome
        findings += [built(Finding, street=sid, **f) for f in fields]
        list_kind, primary, cooperating, phases = apply_plan(parties, item, sid, planned)
        if temporary:  # temporary work ends: it puts no row on the street's lists
            list_kind = None
        streets.append(built(
            StreetDecision, street=sid, name=graph.street(sid).name, verdict=verdict,
            list=list_kind, primary=primary, cooperating=cooperating, phases=phases,
            funding=money if verdict in combine.ADMITTED and list_kind != "recalled"
            else NO_FUNDING,
            powers=[] if list_kind == "recalled" else
            power_sources(graph, proposal, item.department, sid, facts[group + 1]),
            handover_until=handover))
    verdict = combine.overall_verdict(proposal_effects, [s.verdict for s in streets],
                                      policy.combine, proposal.change)
    return Decision(
        proposal=proposal.id,
        change=proposal.change,
        title=proposal.title,
        department=proposal.department,
        department_name=graph.department(proposal.department).name,
        item=ItemSummary(id=item.id, name=item.name, department=item.department,
                         category=item.category, from_catalogue=from_catalogue),
        revision=None if proposal.revision is None else {
            **proposal.revision.changed(), "funding": proposal.resources.funding},
        mode=proposal.mode,
        ends=proposal.ends.isoformat() if proposal.ends else None,
        effective=proposal.effective.isoformat() if proposal.effective else None,
        until=proposal.until.isoformat() if proposal.until else None,
        handover_until=handover_end,
        verdict=verdict,  # type: ignore[arg-type]
        streets=streets,
        findings=findings,
        policy=PolicyRef(id=policy.id, version=policy.version, hash=policy.hash,
                         combine=policy.combine.description),
    )
