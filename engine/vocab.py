"""The vocabulary of DESIGN.md §2: identifiers and their Chinese names.

Identifiers are part of the interface (files, JSON); their Chinese labels, what users read,
are in ``engine.labels``.
"""

from __future__ import annotations

from typing import Literal, get_args

# the Chinese names live in engine/labels.py, the one table for the CLI, the web and documents
from engine.labels import (  # noqa: F401 (re-exported)
    LABELS,
    RECALL_VERDICTS,
    identifier_for,
    label,
    verdict_label,
)

Power = Literal["licensing", "penalty", "compulsion", "inspection", "confirmation"]
Phase = Literal[
    "patrol",
    "discovery",
    "report",
    "dissuasion",
    "service",
    "coordination",
    "statistics",
    "inspection",
    "confirmation",
    "determination",
    "investigation",
    "penalty",
    "compulsion",
    "licensing",
]
Category = Literal["comprehensive", "specialist", "assisting"]
ListKind = Literal["basic", "cooperative", "recalled"]
StreetKind = Literal["street", "town", "township"]
UnitMode = Literal["dispatched", "devolved"]
ProposalMode = Literal["hand_over", "entrust", "assist"]
Change = Literal["admit", "recall", "revise"]
Instrument = Literal[
    "responsibility_pledge",
    "quota_breakdown",
    "acceptance_check",
    "one_vote_veto",
    "counterpart_office",
    "extra_nameplate",
    "dedicated_staff",
    "task_force",
    "plaques",
]
LegalReview = Literal["pending", "passed", "failed"]
Opinion = Literal["agree", "agree_with_conditions", "object"]
# why a street asks to hand an item back or change its share (动态调整 from below)
ReturnReason = Literal["lacks_power", "lacks_staff", "lacks_funds", "department_item"]
Urgency = Literal["normal", "temporary", "emergency"]
RequirementLevel = Literal["central", "provincial"]
Effect = Literal["assign", "reject", "return", "defer", "condition", "note", "recommend",
                 "not_applicable"]
Verdict = Literal[
    "admitted",
    "admitted_with_conditions",
    "deferred",
    "returned",
    "rejected",
    "not_applicable",
]
PartyKind = Literal["street", "department", "unit"]

PHASES: tuple[str, ...] = get_args(Phase)
POWERS: tuple[str, ...] = get_args(Power)
