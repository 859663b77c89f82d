"""What-if: the county as it would be after admitting proposals (nothing is written)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.decide.combine import ADMITTED
from engine.decide.evaluate import decide, resolve
from engine.graph import build_graph
from engine.loading.proposal import ProposalSource, load_proposals
from engine.loading.workspace import Workspace
from engine.models.county import Admission, DutyItem
from engine.models.decision import Decision


def apply_decisions(ws: Workspace, decisions: Sequence[Decision],
                    items: Sequence[DutyItem]) -> Workspace:
    """The workspace with each decision's admitted streets added to its item, in order.

    A catalogue item gains the admitted streets; a new item enters the catalogue for them,
    funded as the proposal says. Streets that did not admit the item are left as they were.
    """
    county = ws.county
    catalogue = dict(county.items)
    admissions = {k: dict(v) for k, v in county.admissions.items()}
    for decision, item in zip(decisions, items, strict=True):
        admitted = [s for s in decision.streets if s.verdict in ADMITTED]
        if not admitted:
            continue
        current = catalogue.get(item.id)
        if current is not None and current.recalled:  # taken back, now handed back: only
            current = current.model_copy(update={"recalled": False, "streets": []})  # here
        before = set(county.item_streets(current)) if current else set()
        wanted = before | {s.street for s in admitted}
        streets = "all" if wanted >= set(county.streets) else [
            s for s in county.streets if s in wanted]
        base = current or item.model_copy(update={"funding": admitted[0].funding.amount})
        catalogue[item.id] = base.model_copy(update={"streets": streets})
        per_street = admissions.setdefault(item.id, {})
        for s in admitted:
            per_street[s.street] = Admission(proposal=decision.proposal,
                                             funding=s.funding.amount)
    new_county = county.model_copy(update={"items": catalogue, "admissions": admissions})
    return Workspace(new_county, ws.policy, build_graph(new_county))


def what_if(ws: Workspace, sources: Sequence[ProposalSource]) -> tuple[list[Decision],
                                                                        Workspace]:
    """Evaluate proposals in order, each on the county as the previous admissions left it."""
    decisions: list[Decision] = []
    for source in sources:
        item, from_catalogue, targets = resolve(ws, source)
        decision = decide(ws, source.proposal, item, from_catalogue, targets)
        decisions.append(decision)
        ws = apply_decisions(ws, [decision], [item])
    return decisions, ws


def with_admitted(ws: Workspace, directory: Path) -> Workspace:
    """The county with the proposals it has admitted (``admitted/*.yaml`` in its directory,
    in file-name order) applied: their items sit on the lists of the streets that admitted
    them."""
    admitted = Path(directory) / "admitted"
    if not admitted.is_dir():
        return ws
    paths = sorted([*admitted.glob("*.yaml"), *admitted.glob("*.yml")])
    return what_if(ws, load_proposals(paths))[1]
