"""The county as the published versions left it, without replaying history.

After each publication the store keeps the county's catalogue, admissions and recalls (a
``CountyState``) for the county data it was computed on (the county revision: a digest of the
county as loaded and its policy). A command starts from the newest state; only when the county
directory has changed since is history replayed, once, and the result kept again.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from engine.graph import build_graph
from engine.lists.apply import apply_decisions
from engine.loading.workspace import Workspace
from engine.models.county import Admission, DutyItem, Recall
from engine.models.decision import Decision


class PublishedChanges(BaseModel):
    """What publications change in a county: its catalogue, admissions and recalls."""

    model_config = ConfigDict(frozen=True)

    items: dict[str, DutyItem]
    admissions: dict[str, dict[str, Admission]]
    recalls: dict[str, dict[str, Recall]]


def county_revision(ws: Workspace) -> str:
    """A digest of the county data and policy in force (not where the files lie)."""
    body = ws.county.model_dump_json(  # a county without a code digests as it always did
        exclude={"directory"} if ws.county.code else {"directory", "code"})
    digest = hashlib.sha256(body.encode("utf-8"))
    digest.update(ws.policy.hash.encode("utf-8"))
    return digest.hexdigest()


def pack_state(ws: Workspace) -> bytes:
    county = ws.county
    changes = PublishedChanges(items=county.items, admissions=county.admissions,
                               recalls=county.recalls)
    return zlib.compress(changes.model_dump_json().encode("utf-8"))


def unpack_state(base: Workspace, blob: bytes) -> Workspace:
    changes = PublishedChanges.model_validate_json(zlib.decompress(blob))
    county = base.county.model_copy(update={"items": changes.items,
                                            "admissions": changes.admissions,
                                            "recalls": changes.recalls})
    return Workspace(county, base.policy, build_graph(county))


def replay(base: Workspace, decisions: Sequence[Decision],
           items: Sequence[DutyItem]) -> Workspace:
    """The base county with the published decisions applied in order."""
    return apply_decisions(base, decisions, items) if decisions else base
