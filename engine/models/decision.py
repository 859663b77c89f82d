"""决定: the verdict on a proposal, per street and overall, with the findings behind it.

The JSON form of these models is the interface of ``duty evaluate --format json``.
"""

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from engine.models.base import new_list
from engine.vocab import Change, Effect, ListKind, PartyKind, Phase, Power, ProposalMode, Verdict


def _absent(value: Any) -> bool:
    return value is None


def optional() -> Any:
    """An optional output field left out of JSON when None (outputs without it unchanged)."""
    return Field(None, exclude_if=_absent)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


OutT = TypeVar("OutT", bound=Out)
_FIELDS: dict[type, tuple[list[str], set[str]]] = {}
_new = object.__new__
_set = object.__setattr__


def built(cls: type[OutT], **fields: Any) -> OutT:
    """A part of a decision from values the engine has already checked (ids from the loaded
    county, effects and verdicts from the loaded policy), without validating it again.

    This is ``model_construct`` for frozen models without aliases, defaults left out, private
    attributes or post-init hooks, which holds for the parts built per street; every field
    must be given, and the values are kept in the order of the model's fields (serialisation
    follows it). The instances of a class share one set of the fields given (a frozen model
    never changes it; a copy gets its own). The ``Decision`` that holds the parts validates
    its own fields and takes the parts as the instances they are; the tests check that the
    parts equal validated ones.
    """
    known = _FIELDS.get(cls)
    if known is None:
        if (not cls.model_config.get("frozen") or cls.__private_attributes__
                or cls.__pydantic_post_init__
                or any(f.alias or f.validation_alias for f in cls.model_fields.values())):
            raise TypeError(f"{cls.__name__} needs model_construct")
        known = _FIELDS[cls] = (list(cls.model_fields), set(cls.model_fields))
    order, names = known
    if list(fields) != order:  # given in the model's order, the fields are kept as given
        if len(fields) != len(order):
            raise TypeError(f"{cls.__name__}: fields {sorted(fields)} given, {order} needed")
        fields = {name: fields[name] for name in order}
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", names)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


class Party(Out):
    kind: PartyKind
    id: str
    name: str


class PhaseDuty(Out):
    phase: Phase
    party: Party


class Funding(Out):
    follows: bool
    payer: str | None
    amount: int
    per: Literal["year", "task"] = "year"  # temporary work is funded per task


class Finding(Out):
    rule: str
    title: str
    effect: Effect
    street: str | None
    message: str
    basis: str


class PowerSource(Out):
    """A power the street exercises on the item and what gave it: a grant recorded in the
    county (law or provincial decision; ``basis`` its text) or the decision on a proposal
    (``basis`` the proposal's id, ``mode`` hand_over: in the street's own name, entrust: in
    the department's)."""

    power: Power
    by: Literal["grant", "decision"]
    basis: str
    mode: ProposalMode | None = None


class StreetDecision(Out):
    street: str
    name: str
    verdict: Verdict
    list: ListKind | None
    primary: Party | None
    cooperating: list[Party]
    phases: list[PhaseDuty]
    funding: Funding
    # the powers the street exercises on the item, each with what gave it
    powers: list[PowerSource] = Field(default_factory=new_list)
    # a recall with a hand-over period the policy granted this street: the last day the
    # street still carries the item (YYYY-MM-DD)
    handover_until: str | None = optional()


class PolicyRef(Out):
    id: str
    version: str
    hash: str
    combine: str


class ItemSummary(Out):
    id: str
    name: str
    department: str
    category: str
    from_catalogue: bool


class Decision(Out):
    proposal: str
    change: Change = "admit"
    title: str
    department: str
    department_name: str
    item: ItemSummary
    revision: dict[str, Any] | None = None  # change revise: the row fields it rewrites
    mode: ProposalMode | None = None  # how the street carries it (none for a recall)
    ends: str | None = None  # temporary work: the day it ends (it puts no row on any list)
    # dates of force the proposal states (YYYY-MM-DD): from, to, and a recall's hand-over end
    effective: str | None = optional()
    until: str | None = optional()
    handover_until: str | None = optional()
    verdict: Verdict
    streets: list[StreetDecision]
    findings: list[Finding]
    policy: PolicyRef
