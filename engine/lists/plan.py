"""The lists of a whole county, decided once per street profile and kept as row templates.

For each catalogue item, the streets it applies to are grouped by what the policy can see of
them (``engine.rules.profile``); the item is placed once per group, on one street of each
group, with the same ``decide`` as a proposal. Each group's row is kept as a template whose
parties are roles (the street itself, the department side: its unit stationed there or the
department), and filled with a street's own names only when that street's lists are written.
An admission or recall of the item in one street gives that street its own template.

Streets whose every template is the same, and of the same kind, form a class: their documents
differ only by their names (``street_classes``), which the writers use to render once per
class.

Every list shows its rows in publication order (``publication_order``): grouped by field of
work (履职领域) in the order of the policy's ``domains`` vocabulary, items without a field of
work last, and within a field in catalogue order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import compress, filterfalse
from operator import add
from typing import Any

from engine.decide.assign import NO_FUNDING, department_side, funding
from engine.decide.evaluate import decide, went_well
from engine.loading.workspace import Workspace
from engine.models.county import DutyItem
from engine.models.decision import Finding, Funding, Party, PowerSource, StreetDecision
from engine.models.lists import (
    CountyLists,
    DepartmentList,
    LedRow,
    ListRow,
    NotApplying,
    StreetLists,
)
from engine.models.proposal import Meeting, Proposal
from engine.rules.profile import StreetProfiles, fields_read, street_inputs
from engine.vocab import label

LISTS = ("basic", "cooperative", "recalled")
STREET, SIDE = "street", "side"  # the roles a template's parties play


# what every placement is, whatever the item: no duty is moved, the item is on the lists
PLACEMENT_FACTS = {"mode": "none", "change": "admit"}


def placement(item: DutyItem, targets: list[str]) -> Proposal:
    """A catalogue item as the proposal that would put it on ``targets``' lists.

    A listed item is already the street's duty: nothing is handed over, entrusted or asked
    for, so the placement names no mode (the rules on moving duties, funds and staff, which
    test the mode, stay silent) and has a complete procedure. What can still block it are the
    substantive rules: powers, institutions, and funds for assisting items.
    """
    procedure = went_well(targets, Meeting(body="履行职责事项清单", ref=item.id, decided=True))
    return Proposal.model_validate({
        "schema_version": 1, "id": item.id, "title": item.name, "department": item.department,
        "streets": targets, "mode": None, "item": {"ref": item.id},
        "resources": {"funding": item.funding, "staff": 0, "powers_delegated": []},
        "work_plan": True, **procedure, "meeting": procedure["meeting"].model_dump(),
    })


def task(row_list: str, street_phases: list[str], lead: str, dept: str,
         mode: str | None = None, delegated: tuple[PowerSource, ...] = ()) -> str:
    """The street's duty in plain Chinese (街道职责); ``lead`` is the primary party's name.
    Entrusted work is done in the department's name, the department answering for it; a
    power a decision delegated is named with the decision, the department keeping guidance
    and supervision."""
    phases = "、".join(label(p) for p in street_phases)
    if row_list == "recalled":
        return f"已由{dept}收回，街道不再承担；发现相关问题及时报告"
    powers = "、".join(label(p.power) for p in delegated)
    by = "、".join(dict.fromkeys(p.basis for p in delegated))
    if mode == "entrust":
        given = f"，{powers}权依{by}委托行使" if delegated else ""
        return (f"受{dept}委托，以{dept}名义承担{phases or '相关'}工作{given}，"
                f"法律责任由{dept}承担")
    if row_list == "basic":
        duty = f"承担{phases}等工作的第一责任" if phases else "承担第一责任"
    else:
        duty = f"配合{lead}做好{phases}工作" if phases else f"配合{lead}开展工作"
    if delegated:
        duty += f"；依{by}以街道名义行使{powers}权，{dept}负责业务指导和监督"
    return duty


@dataclass(frozen=True)
class RowTemplate:
    """One row of an item's list, with its parties as roles (``street`` or ``side``)."""

    item: DutyItem
    dept_name: str
    list: str
    primary: str | None
    cooperating: tuple[str, ...]
    street_phases: tuple[str, ...]
    department_phases: tuple[str, ...]
    funding: Funding
    workload_days: int
    rules: tuple[str, ...]
    proposal: str | None
    mode: str | None = None  # how an admitted proposal moved the duty (hand_over, entrust…)
    takeover: Party | None = None  # the department named to take a recalled item back
    powers: tuple[PowerSource, ...] = ()  # the powers the street exercises, by source
    effective: str | None = None  # the days the row is in force (YYYY-MM-DD), when dated
    until: str | None = None
    handover_until: str | None = None  # a recall's hand-over under way: its last day

    def row(self, street: Party, side: Party) -> ListRow:
        """The row as one street's lists show it."""
        parties = {STREET: street, SIDE: side}
        primary = parties[self.primary] if self.primary else None
        street_phases = list(self.street_phases)
        item = self.item
        return ListRow(
            item=item.id, name=item.name, department=item.department,
            category=item.category, list=self.list, primary=primary,  # type: ignore[arg-type]
            cooperating=[parties[r] for r in self.cooperating],
            street_phases=street_phases, department_phases=list(self.department_phases),
            task=task(self.list, street_phases,
                      primary.name if primary else self.dept_name, self.dept_name, self.mode,
                      tuple(p for p in self.powers if p.by == "decision")),
            funding=self.funding, workload_days=self.workload_days,
            legal_basis=item.legal_basis, rules=list(self.rules), proposal=self.proposal,
            mode=self.mode, domain=item.domain, department_duty=item.department_duty,
            street_duty=item.street_duty,
            takeover=(self.takeover or primary) if self.list == "recalled" else None,
            method=item.method if self.list == "recalled" else None, powers=list(self.powers),
            effective=self.effective, until=self.until, handover_until=self.handover_until,
            successor=(self.takeover or side) if self.handover_until else None)


def _role(party: Party) -> str:
    return STREET if party.kind == "street" else SIDE


NAMED_STREETS = 10  # the streets a reason names before it counts the rest


def only_for(names: list[str]) -> str:
    """Why an item is not on a street's lists: the streets it applies to, the first
    ``NAMED_STREETS`` by name and then their number (every street's list carries the reason,
    so it must not grow with the county)."""
    named = "、".join(names[:NAMED_STREETS])
    if len(names) <= NAMED_STREETS:
        return "该事项仅适用于" + named
    return f"该事项仅适用于{named}等 {len(names):,} 个乡镇（街道）"


@dataclass
class ItemPlan:
    """An item's templates: one per street profile, and one per street it was admitted to
    or taken back from by a proposal."""

    item: DutyItem
    index: int  # in catalogue order
    rank: int  # in publication order
    applies: frozenset[str] | None  # None: every street
    reason: str  # why the item is not on the lists of a street it does not apply to
    by_profile: dict[int, RowTemplate] = field(default_factory=dict)
    by_street: dict[str, RowTemplate] = field(default_factory=dict)
    # per profile: the street verdict, and the findings that block it (for `duty check`)
    verdicts: dict[int, str] = field(default_factory=dict)
    blocking: dict[int, list[Finding]] = field(default_factory=dict)


class ListPlan:
    """Every street's and department's lists of a county, as templates."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        county = self.county = ws.county
        self.graph = ws.graph
        self.streets = list(county.streets)
        read = fields_read(ws.policy, known=PLACEMENT_FACTS)  # what rules that can fire read
        self.profiles = StreetProfiles(ws.graph, street_inputs(read), ws.policy.parameters)
        self._dept_party: dict[str, Party] = {}
        self._unit_party: dict[str, Party] = {}
        self._index = {sid: i for i, sid in enumerate(self.streets)}
        self._counts: dict[str, Counter[int]] = {}  # per department: streets per profile
        # an item its department keeps (on no street's list) has no place on any list
        items = [item for item in county.items.values() if county.item_streets(item)]
        vocabulary = ws.policy.parameters.domains
        ranks = {item.id: r for r, item in enumerate(publication_order(
            items, vocabulary.values if vocabulary else None))}
        self.items = [self._plan(i, ranks[item.id], item) for i, item in enumerate(items)]
        self.published = sorted(self.items, key=lambda ip: ip.rank)  # publication order

    # -- deciding ---------------------------------------------------------------------------

    def _plan(self, index: int, rank: int, item: DutyItem) -> ItemPlan:
        county, graph = self.county, self.graph
        targets = county.item_streets(item)
        applies = None if item.streets == "all" else frozenset(targets)
        plan = ItemPlan(item, index, rank, applies,
                        only_for([county.streets[s].name for s in targets])
                        if applies is not None else "")
        ids, position = self.profiles.ids(item.department), self._index
        if applies is None:  # a street of each profile (the first, in county order)
            reps = {p: self.streets[i]
                    for p, i in self.profiles.first_streets(item.department).items()}
        else:
            reps = {}
            for sid in targets:
                reps.setdefault(ids[position[sid]], sid)
        chosen = list(reps.values())
        decision = decide(self.ws, placement(item, chosen), item, True, chosen, listed=set())
        rules: dict[str | None, list[str]] = defaultdict(list)
        for f in decision.findings:
            if f.effect == "assign" and f.rule not in rules[f.street]:
                rules[f.street].append(f.rule)
        decided = {s.street: s for s in decision.streets}
        dept_name = graph.department(item.department).name
        admissions = county.admissions.get(item.id, {})
        recalls = county.recalls.get(item.id, {})
        handovers = county.handovers.get(item.id, {})
        made: dict[tuple[Any, ...], RowTemplate] = {}

        def template(profile: int, recalled: bool, admission: Any, recall: Any,
                     handover: Any = None) -> RowTemplate:
            key = (profile, recalled,
                   admission and (admission.proposal, admission.funding, admission.mode,
                                  tuple(admission.powers), admission.effective,
                                  admission.until),
                   recall and (recall.proposal, recall.effective, recall.handover_until),
                   handover and (handover.proposal, handover.until))
            found = made.get(key)
            if found is None:
                s = decided[reps[profile]]
                found = made[key] = _template(item, graph, dept_name, s,
                                              (*rules[None], *rules[s.street]),
                                              recalled, admission, recall,
                                              self.ws.policy.parameters.phase_powers, handover)
            return found

        for profile, rep in reps.items():
            plan.by_profile[profile] = template(profile, item.recalled, None, None)
            plan.verdicts[profile] = decided[rep].verdict
            plan.blocking[profile] = [f for f in decision.findings if f.street in (None, rep)
                                      and f.effect in ("reject", "return", "defer")]
        for sid in {*admissions, *recalls, *handovers}:
            if sid in position and (applies is None or sid in applies):
                plan.by_street[sid] = template(ids[position[sid]],
                                               item.recalled or sid in recalls,
                                               admissions.get(sid), recalls.get(sid),
                                               handovers.get(sid))
        return plan

    # -- reading ----------------------------------------------------------------------------

    def template(self, plan: ItemPlan, sid: str, index: int) -> RowTemplate | None:
        """The item's template for the street (at ``index`` in county order), or None when
        the item does not apply to it."""
        if plan.applies is not None and sid not in plan.applies:
            return None
        found = plan.by_street.get(sid)
        if found is not None:
            return found
        return plan.by_profile[self.profiles.ids(plan.item.department)[index]]

    def index(self, sid: str) -> int:
        """The street's position in county order."""
        return self._index[sid]

    def profile(self, plan: ItemPlan, index: int) -> int:
        """The street's (at ``index``) profile for the item's department."""
        return self.profiles.ids(plan.item.department)[index]

    def side(self, dept: str, sid: str) -> Party:
        """The department side in a street: its unit stationed there, else the department."""
        unit = self.graph.unit_serving(dept, sid)
        cache, key = (self._unit_party, unit) if unit else (self._dept_party, dept)
        found = cache.get(key)
        if found is None:
            found = cache[key] = department_side(self.graph, dept, sid)
        return found

    def street_lists(self, sid: str, index: int | None = None, street: Party | None = None,
                     side: Any = None, made: dict[int, ListRow] | None = None) -> StreetLists:
        """One street's three lists and the catalogue items not applying to it.

        ``street`` and ``side`` (a function of the department) replace the street's own
        parties when given (the writers render a class of streets once with stand-ins);
        ``made`` keeps the rows made with them, by template, for the next street."""
        st = self.county.streets[sid]
        if index is None:
            index = self._index[sid]
        street = street or Party(kind="street", id=sid, name=st.name)
        side = side or (lambda dept: self.side(dept, sid))
        rows: dict[str, list[ListRow]] = {k: [] for k in LISTS}
        absent: list[NotApplying] = []
        for plan in self.published:
            t = self.template(plan, sid, index)
            if t is None:
                absent.append(NotApplying(item=plan.item.id, name=plan.item.name,
                                          reason=plan.reason))
            elif made is None:
                rows[t.list].append(t.row(street, side(plan.item.department)))
            else:
                row = made.get(id(t))
                if row is None:
                    row = made[id(t)] = t.row(street, side(plan.item.department))
                rows[t.list].append(row)
        return StreetLists(
            street=street.id, name=street.name, kind=st.kind, basic=rows["basic"],
            cooperative=rows["cooperative"], recalled=rows["recalled"], not_applying=absent)

    def street_classes(self) -> Iterator[list[str]]:
        """The streets in classes whose lists differ only by names, each in county order;
        classes in the order of their first street."""
        depts = sorted({p.item.department for p in self.items})
        ids = [self.profiles.ids(d) for d in depts]
        own: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for plan in self.items:
            for sid, t in plan.by_street.items():
                own[sid].append((plan.index, id(t)))
        limited = [p for p in self.items if p.applies is not None]
        classes: dict[tuple[Any, ...], list[str]] = {}
        for i, sid in enumerate(self.streets):
            key = (self.county.streets[sid].kind, tuple(d[i] for d in ids),
                   tuple(own.get(sid, ())),
                   tuple(p.index for p in limited if sid in p.applies))  # type: ignore[operator]
            classes.setdefault(key, []).append(sid)
        yield from classes.values()

    def template_counts(self) -> Iterator[tuple[RowTemplate, int]]:
        """Each template with the number of streets whose row it is."""
        for ip in self.items:
            if ip.applies is None and not ip.by_street:  # by profile: count its streets
                for profile, count in Counter(self.profiles.ids(ip.item.department)).items():
                    yield ip.by_profile[profile], count
                continue
            counts: Counter[int] = Counter()
            templates: dict[int, RowTemplate] = {}
            for index, sid in enumerate(self.streets):
                t = self.template(ip, sid, index)
                if t is not None:
                    counts[id(t)] += 1
                    templates[id(t)] = t
            yield from ((templates[k], n) for k, n in counts.items())

    def list_sizes(self) -> dict[str, int]:
        """How many rows each list has over all streets."""
        sizes = dict.fromkeys(LISTS, 0)
        for t, count in self.template_counts():
            sizes[t.list] += count
        return sizes

    def workload(self) -> int:
        """The streets' person-days per year on their basic and cooperating lists."""
        return sum(t.workload_days * count for t, count in self.template_counts()
                   if t.list != "recalled")

    def row(self, plan: ItemPlan, sid: str) -> ListRow | None:
        """The item's row on one street's lists, or None when it is not on them."""
        t = self.template(plan, sid, self._index[sid])
        if t is None:
            return None
        street = Party(kind="street", id=sid, name=self.county.streets[sid].name)
        return t.row(street, self.side(plan.item.department, sid))

    def _where(self, plan: ItemPlan) -> tuple[list[str], Sequence[int]]:
        """The streets the item applies to (county order) and their indexes."""
        if plan.applies is None:
            return self.streets, range(len(self.streets))
        where = sorted(self._index[sid] for sid in plan.applies if sid in self._index)
        return [self.streets[i] for i in where], where

    def _templates(self, plan: ItemPlan, sids: list[str],
                   where: Sequence[int]) -> list[RowTemplate]:
        """The item's template for each of ``sids`` (at ``where`` in county order):
        ``template`` for every street at once, each lookup made as a list comprehension."""
        ids, by_profile, own = (self.profiles.ids(plan.item.department), plan.by_profile,
                                plan.by_street)
        if own:
            return [own.get(sid) or by_profile[ids[i]]
                    for sid, i in zip(sids, where, strict=True)]
        return [by_profile[ids[i]] for i in where]

    def _in_use(self, plan: ItemPlan, where: Sequence[int]) -> list[RowTemplate]:
        """The item's distinct templates some street at ``where`` has (found per profile,
        not per street)."""
        dept = plan.item.department
        ids = self.profiles.ids(dept)
        if plan.applies is None:
            if dept not in self._counts:
                self._counts[dept] = Counter(ids)
            counts = self._counts[dept].copy()
        else:
            counts = Counter(ids[i] for i in where)
        for sid in plan.by_street:  # a street with its own template leaves its profile's
            counts[ids[self._index[sid]]] -= 1
        return [plan.by_profile[p] for p, n in counts.items() if n > 0] + [
            *plan.by_street.values()]

    def _owe(self, plan: ItemPlan, where: Sequence[int], owed: list[int],
             value: Callable[[RowTemplate], int]) -> None:
        """Add what ``value`` says the item's department owes each street (at its county index
        in ``owed``): its profile's template's, or the street's own template's."""
        ids = self.profiles.ids(plan.item.department)
        by_profile = {p: v for p, t in plan.by_profile.items() if (v := value(t))}
        amounts = [by_profile.get(p, 0) for p in range(max(plan.by_profile) + 1)]
        if by_profile and plan.applies is None:
            owed[:] = map(add, owed, map(amounts.__getitem__, ids))
        elif by_profile:
            for i in where:
                owed[i] += amounts[ids[i]]
        for sid, t in plan.by_street.items():  # its own template instead of its profile's
            i = self._index[sid]
            owed[i] += value(t) - amounts[ids[i]]

    def departments(self) -> list[DepartmentList]:
        """Per department: the items it owns, the streets they rely on, the funds it owes,
        items in the order they first appear on the streets' lists.

        An item's streets are gone through one by one only when they differ in whether they
        rely on it; otherwise what its templates say holds for every street."""
        county = self.county
        firsts: dict[str, list[tuple[tuple[int, int, int], LedRow]]] = defaultdict(list)
        owed: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.streets))
        short: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.streets))
        params = self.ws.policy.parameters

        def funds(t: RowTemplate) -> int:
            return t.funding.amount if t.funding.follows else 0

        def gap_of(t: RowTemplate) -> int:
            return params.funding_shortfall(t.funding.amount, t.workload_days) \
                if t.funding.follows else 0

        for plan in self.items:
            sids, where = self._where(plan)
            if not sids:
                continue
            dept = plan.item.department
            used = self._in_use(plan, where)
            recalled = [t.list == "recalled" for t in used]
            t0 = plan.by_street.get(sids[0]) or plan.by_profile[
                self.profiles.ids(dept)[where[0]]]
            own_recalled = {sid for sid, t in plan.by_street.items() if t.list == "recalled"}
            if all(recalled) or not any(recalled):
                relying, first = ([] if recalled[0] else list(sids)), t0
            elif all(t.list != "recalled" for t in plan.by_profile.values()):
                # recalled in some streets by proposal: every other street relies on it
                relying = list(filterfalse(own_recalled.__contains__, sids))
                first = plan.by_street.get(relying[0]) or plan.by_profile[
                    self.profiles.ids(dept)[self._index[relying[0]]]]
            else:
                templates = self._templates(plan, sids, where)
                relying = [sid for sid, t in zip(sids, templates, strict=True)
                           if t.list != "recalled"]
                first = next(t for t in templates if t.list != "recalled")
            if any(t.funding.follows for t in used):
                self._owe(plan, where, owed[dept], funds)
                self._owe(plan, where, short[dept], gap_of)
            per_street = first.funding.amount if first.funding.follows else 0
            gap = params.funding_shortfall(per_street, first.workload_days)
            # built from checked values, not validated again (a national county's rows name
            # 12.9 million streets)
            firsts[dept].append(((where[0], LISTS.index(t0.list), plan.rank),
                                 LedRow.model_construct(
                item=plan.item.id, name=plan.item.name, category=plan.item.category,
                streets=relying, funding_per_street=per_street,
                funding_total=per_street * len(relying), shortfall_per_street=gap,
                shortfall_total=gap * len(relying))))
        out = []
        for dept in county.departments.values():
            items = [row for _, row in sorted(firsts.get(dept.id, []), key=lambda x: x[0])]
            amounts = owed.get(dept.id)
            ledger = {} if amounts is None else dict(
                compress(zip(self.streets, amounts, strict=True), amounts))
            gaps_by = short.get(dept.id)
            gaps = {} if gaps_by is None else {
                sid: g for sid, g in zip(self.streets, gaps_by, strict=True) if g and sid in ledger}
            out.append(DepartmentList.model_construct(
                department=dept.id, name=dept.name, items=items, funding_owed=ledger,
                funding_total=sum(ledger.values()), funding_shortfall=gaps,
                shortfall_total=sum(gaps.values())))
        return out

    def county_lists(self, street: str | None = None,
                     department: str | None = None) -> CountyLists:
        """Every list as models (for JSON, diffs and stored versions); or only one street's
        lists, or one department's, made alone."""
        if street is not None:
            return CountyLists(county=self.county.name, policy=self.ws.policy.hash,
                               streets=[self.street_lists(street)], departments=[])
        return CountyLists(
            county=self.county.name, policy=self.ws.policy.hash,
            streets=[] if department is not None else
            [self.street_lists(sid, i) for i, sid in enumerate(self.streets)],
            departments=[d for d in self.departments()
                         if department is None or d.department == department])


def publication_order(items: Iterable[DutyItem],
                      vocabulary: list[str] | None) -> list[DutyItem]:
    """The items as the lists show them: by field of work in the order of ``vocabulary``
    (fields it does not name after it, in the order they first occur), items without a
    field of work last; catalogue order within a field."""
    items = list(items)
    ranks = {d: i for i, d in enumerate(vocabulary or ())}
    for item in items:
        if item.domain is not None:
            ranks.setdefault(item.domain, len(ranks))
    last = len(ranks)
    return sorted(items, key=lambda it: last if it.domain is None else ranks[it.domain])


def _template(item: DutyItem, graph: Any, dept_name: str, s: StreetDecision,
              rules: tuple[str, ...], recalled: bool, admission: Any,
              recall: Any, phase_powers: dict[str, str], handover: Any = None) -> RowTemplate:
    """The row template of a street decision, and what an admission or recall changes: a
    power the admission delegated puts the phases needing it on the street."""
    given = tuple(admission.powers) if admission else ()
    carried = {p.phase for p in s.phases
               if p.party.kind == "street" or phase_powers.get(p.phase) in given}
    street_phases = tuple(p.phase for p in s.phases if p.phase in carried)
    dept_phases = tuple(p.phase for p in s.phases if p.phase not in carried)
    powers = (*s.powers, *(PowerSource(power=p, by="decision", basis=admission.proposal,  # type: ignore[arg-type]
                                       mode=admission.mode) for p in given))
    primary = _role(s.primary) if s.primary else None
    cooperating = tuple(_role(p) for p in s.cooperating)
    kind = "recalled" if recalled else (s.list or "cooperative")
    if recalled:  # taken back: the department side carries every phase
        primary, street_phases, dept_phases, cooperating = SIDE, (), tuple(item.phases), ()
    money = funding(admission.funding if admission else item.funding, item.department)
    return RowTemplate(
        item=item, dept_name=dept_name, list=kind, primary=primary, cooperating=cooperating,
        street_phases=street_phases, department_phases=dept_phases,
        funding=NO_FUNDING if recalled else money,
        workload_days=0 if recalled else item.workload_days, rules=rules,
        proposal=recall.proposal if recall else admission.proposal if admission else None,
        mode=None if recalled or admission is None else admission.mode,
        powers=() if recalled else powers,
        takeover=Party(kind="department", id=item.takeover,
                       name=graph.department(item.takeover).name) if item.takeover else None,
        **_dates(item, admission, recall if recalled else None, handover))


def _dates(item: DutyItem, admission: Any, recall: Any, handover: Any) -> dict[str, Any]:
    """The dates a row shows: the days it is in force (a recalled row: from the day the
    recall is complete; an admitted one: the admission's days, else the item's) and the last
    day of a hand-over under way."""
    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    if recall is not None:
        start = (recall.handover_until + timedelta(days=1) if recall.handover_until
                 else recall.effective)
        return {"effective": iso(start), "until": None, "handover_until": None}
    dated = admission if admission is not None and (admission.effective or admission.until) \
        else item
    return {"effective": iso(dated.effective), "until": iso(dated.until),
            "handover_until": iso(handover.until) if handover is not None else None}
