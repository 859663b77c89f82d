"""What-if: the county as it would be after admitting proposals (nothing is written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from engine.decide.combine import ADMITTED
from engine.decide.evaluate import judge
from engine.fileio import yaml_files
from engine.loading.proposal import ProposalSource, load_proposals
from engine.loading.workspace import Workspace
from engine.loading.yamlio import display_path
from engine.models.county import Admission, DutyItem, Recall
from engine.models.decision import Decision


def changed_streets(decision: Decision) -> list[str]:
    """The streets a decision changes when applied: the admitted ones, provided the proposal
    as a whole is admitted (a change the pack applies whole, such as a revision, is admitted
    only when all its streets are). Temporary work changes no list: it ends."""
    if decision.verdict not in ADMITTED or decision.ends is not None:
        return []
    return [s.street for s in decision.streets if s.verdict in ADMITTED]


def apply_decisions(ws: Workspace, decisions: Sequence[Decision],
                    items: Sequence[DutyItem]) -> Workspace:
    """The workspace with each decision applied to the streets that admitted it, in order.

    - ``admit``: a catalogue item gains the admitted streets; a new item enters the
      catalogue for them, funded as the proposal says.
    - ``recall``: the item moves to the recalled list of the admitted streets.
    - ``revise``: the item's row is replaced by the revised one, with the funds the
      proposal states.
    Only ``changed_streets`` change; the others are left as they were.
    """
    county = ws.county
    catalogue = dict(county.items)
    admissions = {k: dict(v) for k, v in county.admissions.items()}
    recalls = {k: dict(v) for k, v in county.recalls.items()}
    for decision, item in zip(decisions, items, strict=True):
        changed = set(changed_streets(decision))
        if not changed:
            continue
        admitted = [s for s in decision.streets if s.street in changed]
        current = catalogue.get(item.id)
        per_street = admissions.setdefault(item.id, {})
        taken = recalls.setdefault(item.id, {})
        if decision.change == "recall":
            effective = _day(decision.effective)
            for s in admitted:
                # held: what the street carries until the recall is complete (its dates and
                # a hand-over period the policy granted, read by ``engine.loading.dated``)
                held = per_street.pop(s.street, None)
                taken[s.street] = Recall(
                    proposal=decision.proposal, effective=effective,
                    handover_until=_day(s.handover_until),
                    held=held if effective or s.handover_until else None)
            continue
        if decision.change == "revise":
            # the revised fields onto the row as it is now: revisions decided side by side
            # do not undo each other, and streets taken back since keep it taken back
            assert current is not None and decision.revision is not None
            catalogue[item.id] = current.model_copy(update=decision.revision)
            listed = set() if current.recalled else (  # the recalls of this batch count
                set(county.item_streets(current)) - set(taken))
            admitted = [s for s in admitted if s.street in listed]
        else:
            if current is not None and current.recalled:  # taken back from every street:
                recalls[item.id] = taken = dict.fromkeys(county.item_streets(current),
                                                         Recall(proposal=None))
                current = current.model_copy(update={"recalled": False})
            before = set(county.item_streets(current)) if current else set()
            wanted = before | {s.street for s in admitted}
            streets = "all" if wanted >= set(county.streets) else [
                s for s in county.streets if s in wanted]
            base = current or item.model_copy(update={"funding": admitted[0].funding.amount})
            catalogue[item.id] = base.model_copy(update={"streets": streets})
        for s in admitted:
            taken.pop(s.street, None)
            per_street[s.street] = Admission(
                proposal=decision.proposal, funding=s.funding.amount, mode=decision.mode,
                powers=[p.power for p in s.powers if p.by == "decision"],
                effective=_day(decision.effective), until=_day(decision.until))
    new_county = county.model_copy(update={
        "items": catalogue,
        "admissions": {k: v for k, v in admissions.items() if v},
        "recalls": {k: v for k, v in recalls.items() if v}})
    return Workspace(new_county, ws.policy, ws.graph.for_county(new_county))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def what_if(ws: Workspace, sources: Sequence[ProposalSource]) -> tuple[list[Decision],
                                                                        Workspace]:
    """Evaluate proposals in order, each on the county as the previous admissions left it."""
    decisions: list[Decision] = []
    for source in sources:
        decision, item = judge(ws, source)
        decisions.append(decision)
        ws = apply_decisions(ws, [decision], [item])
    return decisions, ws


def with_admitted(ws: Workspace, directory: Path) -> Workspace:
    """The county with the proposals it has admitted (``admitted/*.yaml`` in its directory,
    in file-name order) applied: their items sit on the lists of the streets that admitted
    them."""
    admitted = Path(directory) / "admitted"
    paths = yaml_files(admitted, display_path(admitted))
    if not paths:
        return ws
    return what_if(ws, load_proposals(paths))[1]
