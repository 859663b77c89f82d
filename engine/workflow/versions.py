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
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from engine.errors import NotFoundError
from engine.lists.plan import ListPlan
from engine.lists.street_json import StreetJson
from engine.lists.summary import Summing, catalogue_of, summarise
from engine.loading.workspace import Workspace
from engine.models.lists import CountyLists, ListSource, ListSummary
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


def version_document(number: int) -> str:
    """The JSON of version ``number``'s lists as published (inside a transaction)."""
    whole = repo.whole_lists(number)
    if whole is not None:
        return lp.whole_text(whole)
    kept = lp.chains(repo.part_changes(number))
    return lp.document(lambda key: lp.value(kept.get(key)))


def keep_version(number: int, at: datetime, ws: Workspace, names: dict[str, str],
                 revision: str, seq: int) -> ListSummary:
    """Publish the lists of ``ws`` (dated as they stand on the day of publication) as version
    ``number`` under the audit entry ``seq``: the parts that changed since the version before,
    and the digest of the lists' JSON (inside a write transaction). Returns the lists summed
    up for the province."""
    before = lp.chains(repo.part_changes(number - 1)) if number else {}
    digest = hashlib.sha256()
    summing = Summing(catalogue_of(ws))
    parts = _parts(ListPlan(ws), digest, summing)
    repo.add_parts(number, lp.changes(before, parts), seq)
    repo.add_version(number, at, "sha256:" + digest.hexdigest(), names, revision, seq)
    return summing.result(ws.county.name)


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


def _seal(store: Store, number: int, blob: bytes) -> str:
    if store.key is None:
        raise ValueError("the store was opened without its key")
    return sealed(store.key, f"summary:{number}", blob)


def keep_summary(store: Store, number: int, summary: ListSummary) -> None:
    """Keep version ``number``'s summary, sealed (inside the publication's transaction)."""
    blob = zlib.compress(summary.model_dump_json().encode("utf-8"))
    repo.add_summary(number, blob, _seal(store, number, blob))


def newest_summary(store: Store) -> ListSummary:
    """The newest published version's lists summed up for the province: as kept, when its
    seal holds; otherwise summed up again from the lists (a version published before
    summaries were kept, or a summary changed by someone without the key)."""
    with transaction(store, write=False):
        number = repo.newest_version()
        kept = repo.summary(number)
    if kept is not None and hmac.compare_digest(kept[1], _seal(store, number, kept[0])):
        return ListSummary.model_validate_json(zlib.decompress(kept[0]))
    return summarise(version_lists(store, number)[0])
