"""A national-scale county directory written as plain data, for the national bench.

Standard library only: it imports nothing from ``engine`` (no models, no vocabulary), so the
county the bench times the list builder on is not made by the code under test and cannot
flatter it. The county is the one ``bench.synthetic.national_county`` describes (the same
seeded draws in the same order: provinces with different granted-power patterns, streets of
three kinds with varied institutions, units over runs of streets, items limited to towns or
to one province, recalled items), written as ``county.yaml`` (JSON, a subset of YAML), with a
``limits.yaml`` raising the reading limits as such a county must, and ``admitted/`` proposals
that add items to some streets and take items back from others.

With ``varied`` (the second shape the bench times), one item in ten also applies only to the
streets that have what it concerns (farmland, a river, a scenic area …), each street drawn
with its own chance: almost no two streets then have the same lists apart from their names,
so no class of streets can be rendered once for many (the writers' worst case).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

# the vocabulary, written out here on purpose (not imported from the engine)
PHASES = ["patrol", "discovery", "report", "dissuasion", "service", "coordination",
          "statistics", "inspection", "confirmation", "determination", "investigation",
          "penalty", "compulsion", "licensing"]
POWERS = ["licensing", "penalty", "compulsion", "inspection", "confirmation"]
POWER_OF = {"inspection": "inspection", "confirmation": "confirmation",
            "determination": "penalty", "investigation": "penalty", "penalty": "penalty",
            "compulsion": "compulsion", "licensing": "licensing"}
INSTITUTIONS = ["party_building_office", "service_center", "veterans_station",
                "governance_center", "enforcement_team"]
LOCAL = ["grid_center", "elderly_care_station", "market_office"]
DEPARTMENTS = 25
PROVINCES: list[list[tuple[str, tuple[str, ...], str]]] = [
    [("d00", ("penalty", "compulsion"), "all")],
    [("d00", ("penalty",), "town"), ("d05", ("licensing",), "large")],
    [],
    [("d00", ("inspection", "penalty"), "large"), ("d07", ("penalty",), "large"),
     ("d12", ("confirmation", "inspection"), "all")],
    [("d03", ("inspection", "confirmation"), "all"),
     ("d00", ("penalty", "compulsion"), "street")],
]
DOMAINS = ["城乡建设", None, "党的建设", "民生服务", "平安法治", None, "经济发展", "生态环境",
           "综合保障"]


def _grants(rng: random.Random, province: int, kind: str, population: int) -> list[dict]:
    out = []
    for dept, powers, which in PROVINCES[province]:
        applies = which in ("all", kind) or (which == "large" and population >= 70000)
        if applies and rng.random() < 0.9:
            out += [{"power": p, "department": dept, "basis": f"第{province + 1}省赋权决定"}
                    for p in powers]
    return out


def county_data(streets: int, items: int, seed: int = 7,
                varied: bool = False) -> dict[str, Any]:
    """The county as the data of ``county.yaml``."""
    rng = random.Random(seed)
    departments = [{"id": f"d{i:02d}", "name": f"部门{i:02d}", "powers": POWERS}
                   for i in range(DEPARTMENTS)]
    street_list: list[dict[str, Any]] = []
    per_province = max(1, streets // len(PROVINCES))
    for n in range(streets):
        province = min(n // per_province, len(PROVINCES) - 1)
        kind = rng.choices(["street", "town", "township"], [5, 4, 1])[0]
        population = rng.choice([rng.randint(8000, 20000), rng.randint(20000, 70000),
                                 rng.randint(70000, 150000)])
        institutions = [i for i in INSTITUTIONS if rng.random() < 0.93]
        institutions += [i for i in LOCAL if rng.random() < 0.2]
        area = round(rng.uniform(2, 90), 1)
        actual = rng.choice([20, 40, 55, 80])
        town_class = rng.choice([1, 2, 3]) if kind == "town" else None
        street = {"id": f"S{n:05d}", "name": f"第{province + 1}省街道{n:05d}", "kind": kind,
                  "population": population, "area_km2": area, "institutions": institutions,
                  "staffing": {"administrative": 30, "institutional": 30, "actual": actual},
                  "granted_powers": _grants(rng, province, kind, population)}
        if town_class is not None:
            street["town_class"] = town_class
        street_list.append(street)
    ids = [s["id"] for s in street_list]
    units = []
    for d in range(0, DEPARTMENTS, 2):
        k = 0
        while k < streets:
            run = rng.randint(2, 8)
            if rng.random() < 0.85:
                units.append({"id": f"u{d:02d}-{k}", "name": f"部门{d:02d}派驻机构{k}",
                              "department": f"d{d:02d}",
                              "mode": "devolved" if d % 6 == 4 else "dispatched",
                              "streets": ids[k:k + run]})
            k += run
    catalogue = []
    for n in range(items):
        category = rng.choices(["comprehensive", "specialist", "assisting"], [45, 35, 20])[0]
        if category == "comprehensive":
            phases = rng.sample(PHASES[:7], rng.randint(1, 4))
        else:
            phases = rng.sample(PHASES, rng.randint(1, 5))
        public_facing = rng.random() < 0.3
        high_volume = rng.random() < 0.5
        workload = rng.randint(5, 150)
        funding = rng.randint(5000, 40000) if category == "assisting" else 0
        item: dict[str, Any] = {
            "id": f"I{n:04d}", "name": f"事项{n:04d}", "department": f"d{n % DEPARTMENTS:02d}",
            "category": category, "phases": phases,
            "powers": sorted({POWER_OF[p] for p in phases if p in POWER_OF}),
            "legal_basis": f"《条例{n % 40}》第{n % 17 + 1}条", "public_facing": public_facing,
            "high_volume": high_volume, "workload_days": workload, "funding": funding}
        if n % 25 == 7:  # towns and townships only, or one province's streets
            if rng.random() < 0.5:
                item["streets"] = [s["id"] for s in street_list if s["kind"] != "street"]
            else:
                province = rng.randrange(len(PROVINCES))
                item["streets"] = ids[province * per_province:(province + 1) * per_province]
        elif varied and n % 10 == 3:  # streets that have what the item concerns
            share = rng.uniform(0.5, 0.9)
            item["streets"] = [s for s in ids if rng.random() < share]
        if n % 50 == 19:
            item["recalled"] = True
        if DOMAINS[n % len(DOMAINS)] is not None:
            item["domain"] = DOMAINS[n % len(DOMAINS)]
        if n % 100 == 19:
            item["takeover"] = f"d{(n + 1) % DEPARTMENTS:02d}"
        catalogue.append(item)
    return {"schema_version": 1, "name": "合成县", "policy": ["baseline"],
            "departments": departments, "streets": street_list, "units": units,
            "items": catalogue}


def write_county(directory: Path, streets: int, items: int, seed: int = 7,
                 varied: bool = False) -> None:
    """The county directory: ``county.yaml``, ``limits.yaml`` and ``admitted/``."""
    data = county_data(streets, items, seed, varied)
    directory.mkdir(parents=True)
    text = json.dumps(data, ensure_ascii=False)
    (directory / "county.yaml").write_text(text, encoding="utf-8")
    # far beyond the default reading limits: raised as a county office would (values: at
    # most one per two bytes of JSON)
    size = len(text.encode("utf-8"))
    (directory / "limits.yaml").write_text(
        f"schema_version: 1\nmax_bytes: {max(size + 1, 4 << 20)}\n"
        f"max_nodes: {max(size // 2, 100_000)}\n", encoding="utf-8")
    admitted = directory / "admitted"
    admitted.mkdir()
    rng = random.Random(seed)
    ids = [s["id"] for s in data["streets"]]
    for n, item in enumerate(data["items"]):
        if item.get("recalled") or rng.random() > 0.08:
            continue
        if "streets" in item:  # admit the item to some streets that lack it
            change, pool = "admit", sorted(set(ids) - set(item["streets"]))
        else:  # take it back from some streets
            change, pool = "recall", ids
        chosen = sorted(rng.sample(pool, max(1, len(pool) // 100)))
        proposal: dict[str, Any] = {
            "schema_version": 1, "id": f"P-{change}-{n:04d}", "title": f"{item['name']}调整",
            "department": item["department"], "streets": chosen, "change": change,
            "item": {"ref": item["id"]}, "work_plan": True, "legal_review": "passed",
            "hearing": dict.fromkeys(chosen, "agree"),
            "meeting": {"body": "县政府常务会议", "ref": f"2026-{n}", "decided": True},
        }
        if change == "admit":
            proposal["mode"] = "assist"
            proposal["resources"] = {"funding": item["funding"], "staff": 0,
                                     "powers_delegated": []}
        (admitted / f"{n:04d}.yaml").write_text(json.dumps(proposal, ensure_ascii=False),
                                                encoding="utf-8")
