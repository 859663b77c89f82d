"""The staffing and burden report (`duty report staffing`): per street, its profile, bodies,
quota against staff, load against capacity, funds received per department and the items with
the largest workload."""

from __future__ import annotations

from pydantic import Field

from engine.errors import DataError, did_you_mean
from engine.lists.build import build_lists
from engine.loading.workspace import Workspace
from engine.models.county import Street
from engine.models.decision import Out
from engine.rules.parameters import Parameters, Range, Varying
from engine.rules.staffing import (
    capacity_days,
    finance_quota,
    limit,
    quota,
    size_tier,
    working_days,
)
from engine.vocab import label

TOP_ITEMS = 5


class BodyRow(Out):
    id: str
    name: str
    functions: list[str]  # the names of the further functions it carries (nameplates)


class PostRow(Out):
    kind: str  # administrative | institutional | logistics | finance_office
    quota: int | None  # None: the pack's model sets none for this street
    posts: int


class FundsRow(Out):
    department: str
    name: str
    amount: int  # yuan a year
    shortfall: int = 0  # yuan a year the funds fall short of the workload at the county's rate


class LimitRow(Out):
    """A limit the pack sets for the street (or the county), what it has and the source."""

    what: str
    have: float | None  # None: not recorded
    allowed: str  # e.g. "≤ 8", "12—14", "≥ 60%"
    ok: bool | None  # None: cannot be judged (not recorded)
    basis: str


class ItemLoad(Out):
    item: str
    name: str
    department: str
    list: str
    workload_days: int


class StreetStaffing(Out):
    street: str
    name: str
    kind: str
    population: int
    area_km2: float
    revenue: float | None
    size_tier: str | None
    town_class: int | None
    bodies: list[BodyRow]
    posts: list[PostRow]
    actual: int
    assistant: int | None
    non_establishment: int | None
    capacity_days: int | None
    load_days: int
    load_percent: int | None  # load as a share of capacity
    funds: list[FundsRow]
    funds_total: int
    shortfall_total: int = 0
    top_items: list[ItemLoad]
    limits: list[LimitRow] = Field(default_factory=list)


class StaffingReport(Out):
    county: str
    policy: str
    year: int | None
    working_days: int | None
    usable_share: float
    staffing_basis: str | None
    streets: list[StreetStaffing]
    targets: list[LimitRow] = Field(default_factory=list)  # county-level targets


def staffing_report(ws: Workspace, street: str | None = None) -> StaffingReport:
    county, params = ws.county, ws.policy.parameters
    if street is not None and street not in county.streets:
        raise DataError(f"未知的街道 “{street}”", code="E-REF",
                        hint=did_you_mean(street, county.streets) or "用 duty graph 查看街道编号。")
    lists = build_lists(ws)
    owed: dict[str, list[FundsRow]] = {sid: [] for sid in county.streets}
    for d in lists.departments:
        for sid, amount in d.funding_owed.items():
            owed[sid].append(FundsRow(department=d.department, name=d.name, amount=amount,
                                      shortfall=d.funding_shortfall.get(sid, 0)))
    model = params.staffing
    out = []
    for sl in lists.streets:
        if street is not None and sl.street != street:
            continue
        st = county.streets[sl.street]
        allowed = quota(st, model)
        posts = [
            PostRow(kind="administrative", posts=st.staffing.administrative,
                    quota=allowed.administrative if allowed else None),
            PostRow(kind="institutional", posts=st.staffing.institutional,
                    quota=allowed.institutional if allowed else None),
            PostRow(kind="logistics", posts=st.staffing.logistics,
                    quota=allowed.logistics if allowed else None),
            PostRow(kind="finance_office", posts=st.staffing.finance_office,
                    quota=finance_quota(st, model)),
        ]
        capacity = capacity_days(st, params)
        load = ws.graph.street_load(st.id)
        rows = sorted((r for r in (*sl.basic, *sl.cooperative) if r.workload_days),
                      key=lambda r: -r.workload_days)[:TOP_ITEMS]
        funds = sorted(owed[st.id], key=lambda f: (-f.amount, f.department))
        out.append(StreetStaffing(
            street=st.id, name=st.name, kind=st.kind, population=st.population,
            area_km2=st.area_km2, revenue=st.revenue, size_tier=size_tier(st, params),
            town_class=st.town_class,
            bodies=[BodyRow(id=b.id, name=b.name or label(b.id),
                            functions=[p.name or label(p.id) for p in b.nameplates()])
                    for b in st.bodies()],
            posts=posts, actual=st.staffing.actual, assistant=st.staffing.assistant,
            non_establishment=st.staffing.non_establishment,
            capacity_days=capacity, load_days=load,
            load_percent=round(100 * load / capacity) if capacity else None,
            funds=funds, funds_total=sum(f.amount for f in funds),
            shortfall_total=sum(f.shortfall for f in funds),
            top_items=[ItemLoad(item=r.item, name=r.name, department=r.department,
                                list=r.list, workload_days=r.workload_days) for r in rows],
            limits=street_limits(st, params)))
    year = params.capacity_year
    return StaffingReport(
        county=county.name, policy=ws.policy.hash, year=year,
        working_days=working_days(year) if year else None, usable_share=params.usable_share,
        staffing_basis=model.basis if model else None, streets=out,
        targets=county_targets(ws))


def _row(what: str, have: float | None, allowed: float | Range, basis: str) -> LimitRow:
    low, high = ((allowed.min, allowed.max) if isinstance(allowed, Range) else (None, allowed))
    text = (f"{low:g}—{high:g}" if low is not None and high is not None and low != high
            else f"≥ {low:g}" if high is None else f"≤ {high:g}")
    ok = None if have is None else (
        (low is None or have >= low) and (high is None or have <= high))
    return LimitRow(what=what, have=have, allowed=text, ok=ok, basis=basis)


def _basis(value: object, default: str) -> str:
    if isinstance(value, Varying) and value.citation is not None:
        return value.citation.render()
    return default


def street_limits(street: Street, params: Parameters) -> list[LimitRow]:
    """The limits that vary by class, tier or band and the targets, as they apply to the
    street: bodies, posts per office, 事业编制 per street (fixed limits show in `duty check`)."""
    rules, out = params.institutions, []
    if isinstance(rules.max_bodies, Varying):
        most = limit(rules.max_bodies, street, params)
        if most is not None:
            out.append(_row("机构数", len(street.bodies()), most,
                            _basis(rules.max_bodies, "")))
    for body in street.bodies():
        spec = rules.office_posts.get(body.id)
        allowed = None if spec is None else limit(spec, street, params)
        if allowed is not None and body.posts is not None:  # offices that record posts
            out.append(_row(f"{body.name or label(body.id)}编制", body.posts, allowed,
                            _basis(spec, "")))
    target = params.targets and params.targets.institutional_per_street
    if target:
        out.append(_row("事业编制（县级目标）", street.staffing.institutional, target,
                        target.citation.render()))
    return out


def county_targets(ws: Workspace) -> list[LimitRow]:
    """The county-level share of enforcement posts sunk to the streets (太原 四（三）)."""
    target = ws.policy.parameters.targets and ws.policy.parameters.targets.enforcement_share
    if not target:
        return []
    recorded = [s.staffing.enforcement for s in ws.county.streets.values()]
    have = (None if None in recorded
            else round(sum(r or 0 for r in recorded) / target.county_posts, 4))
    return [_row("街道执法中队编制占县级执法编制的比例", have, Range(min=target.min),
                 target.citation.render())]
