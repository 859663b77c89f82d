"""Published list versions and the audit chain, read from a store (no county needed)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from engine.errors import UsageError
from engine.models.lists import CountyLists
from engine.workflow.audit import Broken, verify
from engine.workflow.store import transaction


def version_lists(db: Path, number: int) -> tuple[CountyLists, dict[str, str]]:
    """The lists published as version ``number`` (0: the county's lists when the store was
    created), with the names needed to render them."""
    with transaction(db, create=False, write=False) as st:
        row = st.one("SELECT lists, names FROM versions WHERE number = ?", number)
        if row is None:
            numbers = [str(r["number"]) for r in st.all("SELECT number FROM versions "
                                                         "ORDER BY number")]
            raise UsageError(f"没有第 {number} 版清单",
                             hint="已公布的版本：" + ("、".join(numbers) or "无"))
        lists = CountyLists.model_validate_json(zlib.decompress(row["lists"]))
        return lists, json.loads(row["names"])


def audit_verify(db: Path) -> tuple[int, Broken | None, str]:
    """Entries checked, the first broken entry (or None) and the hash at the head."""
    with transaction(db, create=False, write=False) as st:
        rows = st.all("SELECT * FROM audit ORDER BY seq")
        head = st.meta("audit_head")
    count, broken = verify(rows, head)
    return count, broken, str(rows[-1]["hash"]) if rows else ""
