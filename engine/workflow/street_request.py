"""A street's request to hand a listed item back (交回), as a proposal the service takes.

The CLI and the web form both build the request here and submit it through the one service,
so a street's request is the same proposal whichever door it comes through: a recall of the
item from that street alone, naming the street as the one asking and its reasons. What a
street writes is its request; the department's plan for taking the item back is part of the
department's opinion, so the request counts as the work plan the procedure asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.errors import NotFoundError
from engine.loading.proposal import ProposalSource
from engine.loading.workspace import Workspace
from engine.loading.yamlio import Document
from engine.models.proposal import Proposal


def request_id(street: str, item: str) -> str:
    """The default id of a street's request: one per street and item (a returned request is
    corrected and submitted again under the same id)."""
    return f"JH-{street}-{item}"


def street_return(ws: Workspace, street: str, item: str, reasons: Sequence[str],
                  note: str | None, pid: str | None = None) -> ProposalSource:
    """The proposal of ``street`` to hand ``item`` back to its department."""
    county = ws.county
    if street not in county.streets:
        raise NotFoundError(f"没有编号或名称为 “{street}” 的街道", kind="street", name=street,
                            known=list(county.streets))
    found = county.items.get(item)
    if found is None:
        raise NotFoundError(f"县级目录中没有编号为 “{item}” 的事项", kind="item", name=item,
                            known=list(county.items))
    data = {"schema_version": 1, "id": pid or request_id(street, item),
            "title": f"{county.streets[street].name}申请交回{found.name}",
            "department": found.department, "change": "recall", "streets": [street],
            "item": {"ref": item}, "requested_by": street, "reasons": list(reasons),
            "reason_note": note or None, "work_plan": True}
    proposal = Proposal.model_validate({k: v for k, v in data.items() if v is not None})
    return ProposalSource(proposal, Document(Path(f"{proposal.id}.yaml"), data, {},
                                             f"{street} 的交回申请 {proposal.id}"))
