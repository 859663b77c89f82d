"""Published list versions, read from a store (no county needed)."""

from __future__ import annotations

import json
import zlib

from engine.errors import NotFoundError
from engine.models.lists import CountyLists
from engine.store.orm import m
from engine.store.session import Store, transaction


def version_lists(store: Store, number: int) -> tuple[CountyLists, dict[str, str]]:
    with transaction(store, write=False):
        row = m.ListVersion.objects.filter(number=number).first()
        if row is None:
            numbers = [str(n) for n in m.ListVersion.objects.order_by("number")
                       .values_list("number", flat=True)]
            raise NotFoundError(f"没有第 {number} 版清单", kind="version", name=str(number),
                                known=numbers, hint="已公布的版本：" + ("、".join(numbers) or "无"))
        lists = CountyLists.model_validate_json(zlib.decompress(bytes(row.lists)))
        return lists, json.loads(row.names)
