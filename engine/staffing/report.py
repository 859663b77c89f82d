"""The staffing and burden report (`duty report staffing`): per street, its profile, bodies,
quota against staff, load against capacity, funds received per department and the items with
the largest workload."""

from __future__ import annotations

from engine.errors import DataError, did_you_mean
from engine.lists.build import build_lists
from engine.loading.workspace import Workspace
from engine.models.decision import Out
from engine.rules.staffing import capacity_days, finance_quota, quota, size_tier, working_days
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
    top_items: list[ItemLoad]


class StaffingReport(Out):
    county: str
    policy: str
    year: int | None
    working_days: int | None
    usable_share: float
    staffing_basis: str | None
    streets: list[StreetStaffing]


def staffing_report(ws: Workspace, street: str | None = None) -> StaffingReport:
    county, params = ws.county, ws.policy.parameters
    if street is not None and street not in county.streets:
        raise DataError(f"未知的街道 “{street}”", code="E-REF",
                        hint=did_you_mean(street, county.streets) or "用 duty graph 查看街道编号。")
    lists = build_lists(ws)
    owed: dict[str, list[FundsRow]] = {sid: [] for sid in county.streets}
    for d in lists.departments:
        for sid, amount in d.funding_owed.items():
            owed[sid].append(FundsRow(department=d.department, name=d.name, amount=amount))
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
            top_items=[ItemLoad(item=r.item, name=r.name, department=r.department,
                                list=r.list, workload_days=r.workload_days) for r in rows]))
    year = params.capacity_year
    return StaffingReport(
        county=county.name, policy=ws.policy.hash, year=year,
        working_days=working_days(year) if year else None, usable_share=params.usable_share,
        staffing_basis=model.basis if model else None, streets=out)
