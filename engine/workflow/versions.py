"""Published list versions: kept as what changed since the version before, and read from a
store (no county needed) as they were published.

A version's lists are cut into parts (``engine.store.list_parts``): the head, each
street's lists and each department's. Publishing keeps the parts that changed since the
version before, each as its change; reading a version applies the changes kept up to it,
part by part, and joins the parts into the JSON the version was published as.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.errors import NotFoundError
from engine.lists.diff import ListsDiff, diff_lists, gathered
from engine.lists.plan import ListPlan
from engine.lists.street_json import StreetJson
from engine.lists.summary import Summing, catalogue_of, summarise, summed
from engine.loading.workspace import Workspace
from engine.models.lists import (
    CountyLists,
    DepartmentList,
    ListSource,
    ListSummary,
    ListTotals,
    StreetLists,
)
from engine.store import list_parts as lp
from engine.store.keys import sealed
from engine.store.session import Store, transaction
from engine.times import time_text
from engine.workflow import repository as repo


def version_source(store: Store, number: int | None = None) -> ListSource:
    """Which published version lists are (the newest when ``number`` is None), when it was
    published and the audit anchor of its publication, for documents' title blocks."""
    with transaction(store, write=False):
        row = repo.version(number)
        if row is None:
            raise _missing(number)
        entry = repo.entry(row.audit_seq)
        return ListSource(version=row.number, published=time_text(row.at)[:10],
                          anchor=f"{entry.seq}:{entry.mac}:{store.meta.get('key', '')}"
                          if entry else None)


def version_as_of(store: Store, day: date) -> int:
    """The version in force on ``day``: the newest published on or before it (by the date
    of its publication as recorded, the county's local time). Version 0, the lists when the
    store was created, counts from the day the store was created."""
    with transaction(store, write=False):
        rows = repo.version_times()
    days = [(number, time_text(at)[:10]) for number, at in rows]
    held = [number for number, published in days if published <= day.isoformat()]
    if not held:
        first = days[0][1] if days else None
        raise NotFoundError(f"{day.isoformat()} 时尚无公布的清单", kind="version",
                            name=day.isoformat(), known=[],
                            hint=f"最早的清单公布于 {first}" if first else "数据库中没有清单")
    return held[-1]


def version_lists(store: Store, number: int) -> tuple[CountyLists, dict[str, str]]:
    with transaction(store, write=False):
        row = repo.version(number)
        if row is None:
            raise _missing(number)
        return CountyLists.model_validate_json(version_document(number)), row.names


PARTS_KEPT = 32  # parts of a version kept read (a published version never changes)


class PublishedVersion:
    """A published version read part by part: its head (county, policy, the streets and
    departments in order) and names when opened, then one street's or one department's lists
    when asked, so that a county of any size is served without reading its whole lists. A
    version still kept whole (published before versions kept their changes, not converted
    yet) is read whole once."""

    def __init__(self, store: Store, number: int) -> None:
        with transaction(store, write=False):
            row = repo.version(number)
            if row is None:
                raise _missing(number)
            whole = repo.whole_lists(number)
            self._whole = (None if whole is None
                           else CountyLists.model_validate_json(lp.whole_text(whole)))
            head = (None if self._whole is not None
                    else lp.value(repo.part_chain(lp.HEAD, number)))
        self.number = number
        self.names: dict[str, str] = row.names
        if self._whole is not None:
            lists = self._whole
            self.county, self.policy = lists.county, lists.policy
            self.streets = [s.street for s in lists.streets]
            self.departments = [d.department for d in lists.departments]
        else:
            self.county, self.policy = head["county"], head["policy"]
            self.streets, self.departments = head["streets"], head["departments"]
        self._street_set, self._department_set = set(self.streets), set(self.departments)
        self._read: dict[str, Any] = {}  # the parts read last, for the pages asked again

    def _part(self, store: Store, key: str) -> Any:
        if key not in self._read:
            if len(self._read) >= PARTS_KEPT:
                self._read.pop(next(iter(self._read)))
            with transaction(store, write=False):
                self._read[key] = lp.value(repo.part_chain(key, self.number))
        return self._read[key]

    def street(self, store: Store, sid: str) -> StreetLists | None:
        """One street's lists (None: no such street in this version)."""
        if sid not in self._street_set:
            return None
        if self._whole is not None:
            return next(s for s in self._whole.streets if s.street == sid)
        return StreetLists.model_validate(self._part(store, lp.STREET + sid))

    def department(self, store: Store, did: str) -> DepartmentList | None:
        """One department's list (None: no such department in this version)."""
        if did not in self._department_set:
            return None
        if self._whole is not None:
            return next(d for d in self._whole.departments if d.department == did)
        return DepartmentList.model_validate(self._part(store, lp.DEPARTMENT + did))

    def lists(self, store: Store, streets: Iterable[str] = (),
              departments: Iterable[str] = ()) -> CountyLists:
        """The lists of the streets and departments named (in the version's order)."""
        wanted, led = set(streets), set(departments)
        return CountyLists(
            county=self.county, policy=self.policy,
            streets=[x for x in (self.street(store, s) for s in self.streets if s in wanted)
                     if x is not None],
            departments=[x for x in (self.department(store, d) for d in self.departments
                                     if d in led) if x is not None])

    def changed_since(self, store: Store, other: PublishedVersion) -> list[str]:
        """The streets whose lists may differ between ``other`` and this version (either the
        older), in this version's order then ``other``'s: those whose parts changed in the
        versions between; every one when either is kept whole."""
        whole = self._whole is not None or other._whole is not None
        low, high = sorted((other.number, self.number))
        with transaction(store, write=False):
            changed = set() if whole else repo.parts_changed(low, high)
        streets = list(dict.fromkeys([*self.streets, *other.streets]))
        return streets if whole else [s for s in streets if lp.STREET + s in changed]


@dataclass(frozen=True)
class ListsScope:
    """Which lists of a published version an account reads: the streets and departments
    named (None: every one)."""

    streets: frozenset[str] | None = None
    departments: frozenset[str] | None = None

    def streets_of(self, version: PublishedVersion, among: Iterable[str] | None = None
                   ) -> list[str]:
        """The streets read of ``among`` (default: the version's), in their order."""
        ids = version.streets if among is None else among
        return [s for s in ids if self.streets is None or s in self.streets]

    def departments_of(self, version: PublishedVersion) -> list[str]:
        return [d for d in version.departments
                if self.departments is None or d in self.departments]


def published_diff(store: Store, old: PublishedVersion, new: PublishedVersion,
                   scope: ListsScope | None = None) -> ListsDiff:
    """What changed in the lists ``scope`` reads between two published versions: only the
    streets whose lists changed in the versions between are read, one at a time, and the
    totals come from those kept with the versions (or, for a scope of a few streets or
    departments, from their own lists)."""
    scope = scope or ListsScope()
    names = (old.names, new.names)
    changes = []
    for sid in scope.streets_of(new, new.changed_since(store, old)):
        one = [v.lists(store, streets=[sid]) for v in (old, new)]
        changes += diff_lists(*one, names).changes
    (w_old, f_old), (w_new, f_new) = (_totals(store, v, scope) for v in (old, new))
    return gathered(changes, (w_old, w_new), (f_old, f_new))


def _totals(store: Store, version: PublishedVersion, scope: ListsScope) -> tuple[int, int]:
    """The workload and funds of the lists ``scope`` reads of ``version``: from the totals
    kept with it, or summed up over the few streets or departments read."""
    kept = (version_totals(store, version.number)
            if scope.streets is None or scope.departments is None else None)
    if kept is not None and scope.streets is None:
        workload = kept.workload_days
    else:
        workload = sum(r.workload_days for s in scope.streets_of(version)
                       if (sl := version.street(store, s)) is not None
                       for r in (*sl.basic, *sl.cooperative))
    if kept is not None and scope.departments is None:
        funding = sum(kept.funding.values())
    else:
        funding = sum(dl.funding_total for d in scope.departments_of(version)
                      if (dl := version.department(store, d)) is not None)
    return workload, funding


def version_document(number: int) -> str:
    """The JSON of version ``number``'s lists as published (inside a transaction)."""
    whole = repo.whole_lists(number)
    if whole is not None:
        return lp.whole_text(whole)
    kept = lp.chains(repo.part_changes(number))
    return lp.document(lambda key: lp.value(kept.get(key)))


def keep_version(number: int, at: datetime, ws: Workspace, names: dict[str, str],
                 revision: str, seq: int) -> tuple[ListSummary, ListTotals]:
    """Publish the lists of ``ws`` (dated as they stand on the day of publication) as version
    ``number`` under the audit entry ``seq``: the parts that changed since the version before,
    and the digest of the lists' JSON (inside a write transaction). Returns the lists summed
    up for the province, and their totals."""
    before = lp.chains(repo.part_changes(number - 1)) if number else {}
    digest = hashlib.sha256()
    summing = Summing(catalogue_of(ws))
    parts = _parts(ListPlan(ws), digest, summing)
    repo.add_parts(number, lp.changes(before, parts), seq)
    repo.add_version(number, at, "sha256:" + digest.hexdigest(), names, revision, seq)
    return summing.result(ws.county.name), summing.totals()


def _parts(plan: ListPlan, digest: Any, summing: Summing) -> Iterator[tuple[str, Any]]:
    """The parts of the plan's lists, one at a time, in the order of the lists' JSON, which
    ``digest`` is fed and ``summing`` given the streets' lists as they go (the streets'
    parts as their JSON, made once per class of streets)."""
    county = plan.county
    top = {**lp.loads(CountyLists(county=county.name, policy=plan.ws.policy.hash, streets=[],
                                    departments=[]).model_dump_json()),
           "streets": plan.streets, "departments": list(county.departments)}
    inner = lp.dumps({k: v for k, v in top.items() if k not in ("streets", "departments")})
    digest.update(("{" + inner[1:-1] + ("," if inner != "{}" else "") + '"streets":[')
                  .encode("utf-8"))
    yield lp.HEAD, top
    for i, (sid, text) in enumerate(StreetJson(plan, summing).streets()):
        if i:
            digest.update(b",")
        digest.update(text)
        yield lp.STREET + sid, lp.Json(text)
    digest.update(b'],"departments":[')
    for i, d in enumerate(plan.departments()):
        summing.fund(d)
        text = d.model_dump_json()
        digest.update(("," if i else "").encode("utf-8") + text.encode("utf-8"))
        yield lp.DEPARTMENT + d.department, lp.loads(text)
    digest.update(b"]}")


def convert_whole(begin: Callable[[dict[str, Any]], int]) -> None:
    """Convert the lists kept whole by versions published before versions kept their changes
    into parts, inside a write transaction. ``begin`` begins the audit entry that covers the
    parts, with what it records: the digest of each converted version's JSON, and the
    versions whose JSON the parts would not give back byte for byte, kept whole as well."""
    numbers = repo.whole_versions()
    if not numbers:
        return
    before = lp.chains(repo.part_changes(numbers[0] - 1)) if numbers[0] else {}
    converted = []
    for number in numbers:
        whole = repo.whole_lists(number)
        assert whole is not None
        text = lp.whole_text(whole)
        parts = dict(lp.split(lp.loads(text)))
        rows = list(lp.changes(before, parts.items()))
        for key, blob in rows:
            before.setdefault(key, []).append(blob)
        converted.append((number, rows, lp.document(parts.__getitem__) == text,
                          lp.digest(text)))
    seq = begin({"versions": {str(n): d for n, _, _, d in converted},
                 "kept_whole": [n for n, _, same, _ in converted if not same]})
    for number, rows, same, _ in converted:
        repo.add_parts(number, rows, seq)
        if same:
            repo.drop_whole(number)


def _missing(number: int | None) -> NotFoundError:
    """No such version (inside a transaction): the versions there are, as the hint."""
    numbers = [str(n) for n in repo.version_numbers()]
    return NotFoundError(f"没有第 {number} 版清单", kind="version", name=str(number),
                         known=numbers, hint="已公布的版本：" + ("、".join(numbers) or "无"))


def _seal(store: Store, what: str, blob: bytes) -> str:
    if store.key is None:
        raise ValueError("the store was opened without its key")
    return sealed(store.key, what, blob)


def keep_summary(store: Store, number: int, summary: ListSummary, totals: ListTotals) -> None:
    """Keep version ``number``'s summary and totals, each sealed (inside the publication's
    transaction)."""
    blob = zlib.compress(summary.model_dump_json().encode("utf-8"))
    sums = totals.model_dump_json().encode("utf-8")
    repo.add_summary(number, blob, _seal(store, f"summary:{number}", blob),
                     sums, _seal(store, f"totals:{number}", sums))


def _kept(store: Store, what: str, kept: tuple[bytes, str] | None) -> bytes | None:
    """What was kept, when its seal holds."""
    if kept is not None and hmac.compare_digest(kept[1], _seal(store, what, kept[0])):
        return kept[0]
    return None


def newest_summary(store: Store) -> ListSummary:
    """The newest published version's lists summed up for the province: as kept, when its
    seal holds; otherwise summed up again from the lists (a version published before
    summaries were kept, or a summary changed by someone without the key)."""
    with transaction(store, write=False):
        number = repo.newest_version()
        kept = _kept(store, f"summary:{number}", repo.summary(number))
    if kept is not None:
        return ListSummary.model_validate_json(zlib.decompress(kept))
    return summarise(version_lists(store, number)[0])


def version_totals(store: Store, number: int) -> ListTotals:
    """What a published version's lists add up to: as kept, when the seal holds; otherwise
    summed up again from the lists."""
    with transaction(store, write=False):
        kept = _kept(store, f"totals:{number}", repo.totals(number))
    if kept is not None:
        return ListTotals.model_validate_json(kept)
    return summed(version_lists(store, number)[0]).totals()
