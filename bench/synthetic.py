"""A synthetic county of any size (for the list-building benchmark), built in memory."""

from __future__ import annotations

import random

from engine.graph import build_graph
from engine.loading.policy import load_policy
from engine.loading.workspace import Workspace
from engine.models.county import County, Department, DutyItem, GrantedPower, Staffing, Street, Unit
from engine.vocab import PHASES

INSTITUTIONS = ["party_building_office", "service_center", "veterans_station",
                "governance_center", "enforcement_team"]
DEPARTMENTS = 25
POWER_OF = {"inspection": "inspection", "determination": "confirmation",
            "investigation": "penalty", "penalty": "penalty", "compulsion": "compulsion",
            "licensing": "licensing"}


def synthetic_workspace(streets: int, items: int, seed: int = 7) -> Workspace:
    rng = random.Random(seed)
    all_powers = ["licensing", "penalty", "compulsion", "inspection", "confirmation"]
    departments = {f"d{i:02d}": Department(id=f"d{i:02d}", name=f"部门{i:02d}",
                                           powers=all_powers) for i in range(DEPARTMENTS)}
    street_models = {}
    for n in range(streets):
        sid = f"S{n:05d}"
        institutions = [i for i in INSTITUTIONS if rng.random() < 0.95]
        grants = [GrantedPower(power=p, department="d00", basis="省级决定")
                  for p in ("penalty", "compulsion") if rng.random() < 0.3]
        street_models[sid] = Street(
            id=sid, name=f"街道{n:05d}", kind=rng.choice(["street", "town", "township"]),
            population=rng.randint(8000, 120000), area_km2=rng.uniform(2, 90),
            institutions=institutions,
            staffing=Staffing(administrative=30, institutional=30, actual=55),
            granted_powers=grants)
    ids = list(street_models)
    units = {}
    for d in range(0, DEPARTMENTS, 3):
        for k in range(0, streets, 4):
            uid = f"u{d:02d}-{k}"
            units[uid] = Unit(id=uid, name=f"派驻机构{d:02d}-{k}", department=f"d{d:02d}",
                              mode="dispatched", streets=ids[k:k + 4])
    catalogue = {}
    for n in range(items):
        category = rng.choices(["comprehensive", "specialist", "assisting"], [45, 35, 20])[0]
        if category == "comprehensive":
            phases = rng.sample(PHASES[:7], rng.randint(1, 4))
        else:
            phases = rng.sample(PHASES, rng.randint(1, 5))
        iid = f"I{n:04d}"
        catalogue[iid] = DutyItem(
            id=iid, name=f"事项{n:04d}", department=f"d{n % DEPARTMENTS:02d}",
            category=category, phases=phases,
            powers=sorted({POWER_OF[p] for p in phases if p in POWER_OF}),
            legal_basis="依据", public_facing=rng.random() < 0.3, high_volume=rng.random() < 0.5,
            workload_days=rng.randint(5, 150),
            funding=rng.randint(5000, 40000) if category == "assisting" else 0,
            recalled=rng.random() < 0.03)
    county = County(name="合成县", directory="<synthetic>", policy=["baseline"],
                    departments=departments, streets=street_models, units=units,
                    items=catalogue)
    return Workspace(county, load_policy(["baseline"]), build_graph(county))
