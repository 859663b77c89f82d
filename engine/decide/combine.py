"""Combining findings into verdicts, by the strategy the policy pack states."""

from __future__ import annotations

from collections.abc import Iterable

from engine.models.policy import Combine

EFFECT_VERDICT = {
    "not_applicable": "not_applicable",
    "reject": "rejected",
    "return": "returned",
    "defer": "deferred",
    "condition": "admitted_with_conditions",
}
SEVERITY = ("rejected", "returned", "deferred", "admitted_with_conditions", "admitted",
            "not_applicable")
ADMITTED = ("admitted", "admitted_with_conditions")


def street_verdict(effects: Iterable[str], combine: Combine) -> str:
    present = set(effects)
    for effect in combine.precedence:
        if effect in present:
            return EFFECT_VERDICT[effect]
    return "admitted"


def overall_verdict(proposal_effects: Iterable[str], street_verdicts: list[str],
                    combine: Combine, change: str = "admit") -> str:
    present = set(proposal_effects)
    for effect in combine.precedence:
        if effect in present and effect in combine.proposal_decisive:
            return EFFECT_VERDICT[effect]
    distinct = set(street_verdicts)
    if len(distinct) > 1:  # streets that already list the item do not make the rest conditional
        distinct.discard("not_applicable")
    if len(distinct) == 1:
        return next(iter(distinct))
    if distinct & set(ADMITTED) and change not in combine.whole:
        return "admitted_with_conditions"
    return min(distinct, key=SEVERITY.index)
