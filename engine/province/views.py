"""The three province views, as typed results: compare the counties' lists, their streets'
load against capacity, and check them against the reference catalogue of recalled items.

Matching across counties: a catalogue item is the same item in two counties when it has the
same catalogue code (the item's ``id``). Its name is taken from the first county (in the order
given) that has it; where counties name one code differently, ``names`` lists every name.

Outliers: a county's basic share is the share of its streets' list rows that are on basic
lists (基本履职). With at least ``MIN_COUNTIES`` counties, a county is an outlier when its
share lies above the median by more than the larger of ``k`` scaled MADs (median absolute
deviation × 1.4826) and ``min_gap``.
"""

from __future__ import annotations

from statistics import median

from engine.errors import UsageError
from engine.models.decision import Out
from engine.province.counties import CountyEntry, Province
from engine.province.reference import ReferenceCatalogue

MIN_COUNTIES = 3
MAD_SCALE = 1.4826  # makes the MAD estimate a standard deviation for normal data
DEFAULT_K = 3.0
DEFAULT_MIN_GAP = 0.05


class Placement(Out):
    county: str
    basic: int  # streets with the item on their basic list
    cooperative: int
    recalled: int


class ItemComparison(Out):
    item: str
    name: str
    names: list[str]  # every name the counties give this code (more than one: they differ)
    placements: list[Placement]  # the counties whose catalogue has it, in the order given
    basic_counties: list[str]  # counties placing it on some street's basic list
    cooperative_counties: list[str]
    recalled_counties: list[str]


class CountyShare(Out):
    county: str
    name: str
    streets: int
    basic: int  # list rows over all streets
    cooperative: int
    recalled: int
    basic_share: float
    above_median: float
    outlier: bool


class Comparison(Out):
    province: str | None  # the province file's name
    k: float
    min_gap: float
    median: float
    mad: float
    threshold: float | None  # None: fewer than MIN_COUNTIES counties, no outliers judged
    counties: list[CountyShare]
    outliers: list[str]
    items: list[ItemComparison]


def _round(x: float) -> float:
    return round(x, 4)


def outlier_threshold(values: list[float], k: float,
                      min_gap: float) -> tuple[float, float, float | None]:
    """The median, the MAD and the share above which a county is an outlier (None: fewer
    than ``MIN_COUNTIES`` values, too few to judge)."""
    mid = median(values)
    mad = median(abs(v - mid) for v in values)
    if len(values) < MIN_COUNTIES:
        return mid, mad, None
    return mid, mad, mid + max(k * MAD_SCALE * mad, min_gap)


def compare(province: Province, k: float = DEFAULT_K,
            min_gap: float = DEFAULT_MIN_GAP) -> Comparison:
    items: dict[str, dict] = {}
    shares = []
    for c in province.counties:
        summary = c.summary()
        totals = {"basic": 0, "cooperative": 0, "recalled": 0}
        for p in summary.items:
            entry = items.setdefault(p.item, {"names": [], "placements": []})
            if p.name not in entry["names"]:
                entry["names"].append(p.name)
            placed = Placement(county=c.id, basic=len(p.basic),
                               cooperative=len(p.cooperative), recalled=p.recalled)
            entry["placements"].append(placed)
            totals["basic"] += placed.basic
            totals["cooperative"] += placed.cooperative
            totals["recalled"] += placed.recalled
        rows = sum(totals.values())
        shares.append((c, summary.streets, totals, totals["basic"] / rows if rows else 0.0))
    mid, mad, threshold = outlier_threshold([s for *_, s in shares], k, min_gap)
    counties = [CountyShare(
        county=c.id, name=c.name, streets=streets, **totals,
        basic_share=_round(share), above_median=_round(share - mid),
        outlier=threshold is not None and share > threshold)
        for c, streets, totals, share in shares]
    out_items = []
    for item_id in sorted(items):
        entry = items[item_id]
        ps: list[Placement] = entry["placements"]
        out_items.append(ItemComparison(
            item=item_id, name=entry["names"][0], names=entry["names"], placements=ps,
            basic_counties=[p.county for p in ps if p.basic],
            cooperative_counties=[p.county for p in ps if p.cooperative],
            recalled_counties=[p.county for p in ps if p.recalled]))
    return Comparison(
        province=province.name, k=k, min_gap=min_gap, median=_round(mid), mad=_round(mad),
        threshold=None if threshold is None else _round(threshold), counties=counties,
        outliers=[c.county for c in counties if c.outlier], items=out_items)


class StreetLoad(Out):
    street: str
    name: str
    load_days: int
    capacity_days: int | None
    load_percent: int | None
    over: bool  # load above capacity


class CountyLoad(Out):
    county: str
    name: str
    streets: list[StreetLoad]
    over_capacity: int  # streets whose load passes their capacity
    load_days: int
    capacity_days: int  # over the streets that have one


class LoadReport(Out):
    province: str | None  # the province file's name
    counties: list[CountyLoad]


def load(province: Province) -> LoadReport:
    """Every county's streets' load against capacity, from the staffing report."""
    from engine.staffing.report import staffing_report

    out = []
    for c in province.counties:
        if not isinstance(c, CountyEntry):
            raise UsageError("街道负担须读取县区目录（其中有街道的人员编制）",
                             hint="给出县区目录或省级文件。")
        report = staffing_report(c.ws)
        streets = [StreetLoad(
            street=s.street, name=s.name, load_days=s.load_days, capacity_days=s.capacity_days,
            load_percent=s.load_percent,
            over=s.capacity_days is not None and s.load_days > s.capacity_days)
            for s in report.streets]
        out.append(CountyLoad(
            county=c.id, name=c.name, streets=streets,
            over_capacity=sum(s.over for s in streets),
            load_days=sum(s.load_days for s in streets),
            capacity_days=sum(s.capacity_days or 0 for s in streets)))
    return LoadReport(province=province.name, counties=out)


class Holding(Out):
    """A catalogue item matching a recalled reference item, still on streets' lists."""

    item: str
    name: str
    basic: list[str]  # streets holding it on their basic list
    cooperative: list[str]


class ReferenceFinding(Out):
    reference: str
    name: str
    status: str  # recalled | on_street_lists | not_in_catalogue
    items: list[str]  # the county's catalogue items matched to it
    holding: list[Holding]


class CountyCheck(Out):
    county: str
    name: str
    clean: bool
    findings: list[ReferenceFinding]


class ReferenceCheck(Out):
    province: str | None  # the province file's name
    reference: str  # the catalogue's name
    reference_file: str
    reference_source: str
    clean: bool
    counties: list[CountyCheck]


def check(province: Province, catalogue: ReferenceCatalogue, shown: str) -> ReferenceCheck:
    """Every county against every reference item: an item matched in its catalogue must be on
    no street's basic or cooperative list."""
    out = []
    for c in province.counties:
        summary = c.summary()
        findings = []
        for ref in catalogue.items:
            matched = [p for p in summary.items if ref.matches(p)]
            holding = [Holding(item=p.item, name=p.name, basic=p.basic,
                               cooperative=p.cooperative)
                       for p in matched if p.basic or p.cooperative]
            status = ("not_in_catalogue" if not matched
                      else "on_street_lists" if holding else "recalled")
            findings.append(ReferenceFinding(reference=ref.id, name=ref.name, status=status,
                                             items=[p.item for p in matched], holding=holding))
        out.append(CountyCheck(county=c.id, name=c.name, findings=findings,
                               clean=all(f.status != "on_street_lists" for f in findings)))
    return ReferenceCheck(province=province.name, reference=catalogue.name,
                          reference_file=shown, reference_source=catalogue.source,
                          clean=all(c.clean for c in out), counties=out)
