"""A synthetic national county of any size, built in memory (benchmarks and equivalence tests).

Streets fall into provinces, each with its own pattern of granted powers (省级赋权): some grant
urban-management penalties and compulsion to every street, some only to towns, some license
market or construction matters to large streets, some grant nothing. Streets differ in kind,
size and institutions (the five required bodies, sometimes one missing, local bodies added).
Departments station units, dispatched or devolved, over runs of streets of varying length and
leave some streets without one. Some items apply to named streets only (towns and townships,
or one province), some are recalled from every street, and some streets have admitted an
item by proposal or had one taken back.

``odd_names`` gives a few streets and units names with characters that formats escape (commas,
quotes, ``|``, ``<``, ``&``), to exercise every writer's escaping.
"""

from __future__ import annotations

import random

from engine.graph import build_graph
from engine.loading.policy import load_policy
from engine.loading.workspace import Workspace
from engine.models.county import (
    Admission,
    County,
    Department,
    DutyItem,
    GrantedPower,
    Recall,
    Staffing,
    Street,
    Unit,
)
from engine.vocab import PHASES

INSTITUTIONS = ["party_building_office", "service_center", "veterans_station",
                "governance_center", "enforcement_team"]
LOCAL = ["grid_center", "elderly_care_station", "market_office"]
DEPARTMENTS = 25
POWERS = ["licensing", "penalty", "compulsion", "inspection", "confirmation"]
POWER_OF = {"inspection": "inspection", "confirmation": "confirmation",
            "determination": "penalty", "investigation": "penalty", "penalty": "penalty",
            "compulsion": "compulsion", "licensing": "licensing"}
# per province: (department, powers, which streets) — several provinces' granting patterns
PROVINCES: list[list[tuple[str, tuple[str, ...], str]]] = [
    [("d00", ("penalty", "compulsion"), "all")],
    [("d00", ("penalty",), "town"), ("d05", ("licensing",), "large")],
    [],
    [("d00", ("inspection", "penalty"), "large"), ("d07", ("penalty",), "large"),
     ("d12", ("confirmation", "inspection"), "all")],
    [("d03", ("inspection", "confirmation"), "all"),
     ("d00", ("penalty", "compulsion"), "street")],
]
ODD = [",", '"', "|", "<&>", "'"]
# fields of work in no order of the vocabulary, and items without one
DOMAINS = ["城乡建设", None, "党的建设", "民生服务", "平安法治", None, "经济发展", "生态环境",
           "综合保障"]


def _grants(rng: random.Random, province: int, kind: str,
            population: int) -> list[GrantedPower]:
    out = []
    for dept, powers, which in PROVINCES[province]:
        applies = which in ("all", kind) or (which == "large" and population >= 70000)
        if applies and rng.random() < 0.9:  # a few not yet granted (成熟一批、下放一批)
            out += [GrantedPower(power=p, department=dept, basis=f"第{province + 1}省赋权决定")
                    for p in powers]
    return out


def _limited(rng: random.Random, streets: dict[str, Street], per_province: int) -> list[str]:
    """The streets an item applies to when it does not apply everywhere: the towns and
    townships (rural duties), or one province's streets (a provincial programme)."""
    ids = list(streets)
    if rng.random() < 0.5:
        return [s.id for s in streets.values() if s.kind != "street"]
    province = rng.randrange(len(PROVINCES))
    return ids[province * per_province:(province + 1) * per_province]


def national_county(streets: int, items: int, seed: int = 7, odd_names: bool = False) -> County:
    rng = random.Random(seed)
    departments = {f"d{i:02d}": Department(id=f"d{i:02d}", name=f"部门{i:02d}", powers=POWERS)
                   for i in range(DEPARTMENTS)}
    street_models: dict[str, Street] = {}
    per_province = max(1, streets // len(PROVINCES))
    for n in range(streets):
        province = min(n // per_province, len(PROVINCES) - 1)
        sid = f"S{n:05d}"
        kind = rng.choices(["street", "town", "township"], [5, 4, 1])[0]
        population = rng.choice([rng.randint(8000, 20000), rng.randint(20000, 70000),
                                 rng.randint(70000, 150000)])
        institutions = [i for i in INSTITUTIONS if rng.random() < 0.93]
        institutions += [i for i in LOCAL if rng.random() < 0.2]
        name = f"第{province + 1}省街道{n:05d}"
        if odd_names and n % 7 == 3:
            name += ODD[n % len(ODD)] + "镇"
        street_models[sid] = Street(
            id=sid, name=name, kind=kind, population=population,
            area_km2=round(rng.uniform(2, 90), 1), institutions=institutions,
            staffing=Staffing(administrative=30, institutional=30,
                              actual=rng.choice([20, 40, 55, 80])),
            town_class=rng.choice([1, 2, 3]) if kind == "town" else None,
            granted_powers=_grants(rng, province, kind, population))
    ids = list(street_models)
    units: dict[str, Unit] = {}
    for d in range(0, DEPARTMENTS, 2):
        k = 0
        while k < streets:
            run = rng.randint(2, 8)
            if rng.random() < 0.85:  # some streets have no unit of this department
                uid = f"u{d:02d}-{k}"
                name = f"部门{d:02d}派驻机构{k}"
                if odd_names and k % 5 == 1:
                    name += ODD[k % len(ODD)]
                units[uid] = Unit(id=uid, name=name, department=f"d{d:02d}",
                                  mode="devolved" if d % 6 == 4 else "dispatched",
                                  streets=ids[k:k + run])
            k += run
    catalogue: dict[str, DutyItem] = {}
    for n in range(items):
        category = rng.choices(["comprehensive", "specialist", "assisting"], [45, 35, 20])[0]
        if category == "comprehensive":
            phases = rng.sample(PHASES[:7], rng.randint(1, 4))
        else:
            phases = rng.sample(PHASES, rng.randint(1, 5))
        iid = f"I{n:04d}"
        limited = n % 25 == 7
        catalogue[iid] = DutyItem(
            id=iid, name=f"事项{n:04d}", department=f"d{n % DEPARTMENTS:02d}",
            category=category, phases=phases,
            powers=sorted({POWER_OF[p] for p in phases if p in POWER_OF}),
            legal_basis=f"《条例{n % 40}》第{n % 17 + 1}条", public_facing=rng.random() < 0.3,
            high_volume=rng.random() < 0.5, workload_days=rng.randint(5, 150),
            funding=rng.randint(5000, 40000) if category == "assisting" else 0,
            streets=_limited(rng, street_models, per_province) if limited else "all",
            recalled=n % 50 == 19, domain=DOMAINS[n % len(DOMAINS)],
            takeover=f"d{(n + 1) % DEPARTMENTS:02d}" if n % 100 == 19 else None)
    admissions: dict[str, dict[str, Admission]] = {}
    recalls: dict[str, dict[str, Recall]] = {}
    for n, item in enumerate(catalogue.values()):
        if item.recalled or rng.random() > 0.1:
            continue
        on = ids if item.streets == "all" else item.streets
        chosen = rng.sample(on, max(1, len(on) // 50))
        if rng.random() < 0.5:
            admissions[item.id] = {s: Admission(proposal=f"P-A-{n}",
                                                funding=rng.choice([0, 20000]))
                                   for s in chosen}
        else:
            recalls[item.id] = {s: Recall(proposal=f"P-R-{n}") for s in chosen}
    return County(name="合成县", directory="<synthetic>", policy=["baseline"],
                  departments=departments, streets=street_models, units=units,
                  items=catalogue, admissions=admissions, recalls=recalls)


def synthetic_workspace(streets: int, items: int, seed: int = 7,
                        odd_names: bool = False) -> Workspace:
    county = national_county(streets, items, seed, odd_names)
    return Workspace(county, load_policy(["baseline"]), build_graph(county))
