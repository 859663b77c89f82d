"""Published list versions, read from a store (no county needed)."""

from __future__ import annotations

import hmac
import zlib
from datetime import date

from engine.errors import NotFoundError
from engine.lists.summary import summarise
from engine.models.lists import CountyLists, ListSource, ListSummary
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
        lists = CountyLists.model_validate_json(zlib.decompress(bytes(row.lists)))
        return lists, row.names


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
