"""Policy packs: versioned rule sets with citations (规则包)."""

from typing import Any, Literal, get_args

from pydantic import Field, PositiveInt, model_validator

from engine.models.base import Strict, Text, new_list
from engine.vocab import Change, Effect, ListKind

RuleId = str
Scope = Literal["proposal", "street"]


class Citation(Strict):
    """The policy a rule rests on: a document and the clause or section in it."""

    document: Text
    clause: Text

    def render(self) -> str:
        return f"{self.document}，{self.clause}"


class Assignment(Strict):
    """What an ``assign`` rule decides for a street."""

    list: ListKind | None = None
    primary: Literal["street", "department"] | None = None
    phases_to_department: Text | None = None  # a list fact naming the phases moved
    # a recall with a hand-over period: the street carries the item until the period ends
    # (left out of the pack's hash when false: packs without it keep their hash)
    handover: bool = Field(False, exclude_if=lambda v: not v)


class EffectParam(Strict):
    """An effect the pack sets as a parameter (``effect: {param: NAME}``): the loader puts the
    parameter's value in its place, so a county chooses e.g. 退回补正 or 附条件准入 by a value."""

    param: Text


class Case(Strict):
    """One condition and what follows from it."""

    when: dict[str, Any]
    effect: Effect | EffectParam
    assign: Assignment | None = None
    message: Text


class Rule(Strict):
    """A rule: one condition (``when``/``effect``/``message``) or several ``cases``."""

    id: Text
    title: Text
    scope: Scope
    citation: Citation
    enabled: bool = True
    when: dict[str, Any] | None = None
    effect: Effect | EffectParam | None = None
    assign: Assignment | None = None
    message: Text | None = None
    cases: list[Case] | None = Field(default=None, min_length=1)
    # the kinds of proposal the rule examines; a recall is examined only by rules naming it
    changes: list[Change] = Field(default_factory=lambda: ["admit", "revise"], min_length=1)

    @model_validator(mode="after")
    def _one_form(self) -> "Rule":
        single = (self.when, self.effect, self.message)
        if self.cases is not None:
            if any(v is not None for v in (*single, self.assign)):
                raise ValueError("规则要么写 when/effect/message，要么写 cases，不能同时写")
        elif any(v is None for v in single):
            raise ValueError("规则须有 when、effect 和 message（或改用 cases）")
        return self

    def all_cases(self) -> list[Case]:
        if self.cases is not None:
            return list(self.cases)
        assert self.when is not None and self.effect is not None and self.message is not None
        return [Case(when=self.when, effect=self.effect, assign=self.assign,
                     message=self.message)]

    def guarded_cases(self) -> list[Case]:
        """The cases as evaluated: each condition also requires one of the rule's changes."""
        cases = self.all_cases()
        if set(self.changes) == set(get_args(Change)):
            return cases
        guard = {"fact": "change", "in": list(self.changes)}
        return [c.model_copy(update={"when": {"all": [guard, c.when]}}) for c in cases]


Blocking = Literal["not_applicable", "reject", "return", "defer", "condition"]
BLOCKING: tuple[str, ...] = get_args(Blocking)


class Combine(Strict):
    """How findings combine into verdicts; stated in the pack and echoed in the output.

    Per street, the first effect of ``precedence`` present among the findings decides (none:
    admitted). Overall, a proposal-level finding whose effect is in ``proposal_decisive``
    decides; otherwise the streets' common verdict, else ``admitted_with_conditions`` when any
    street is admitted, else the most severe street verdict. A change named in ``whole``
    applies to all its streets or to none: when the streets differ, the most severe verdict.
    """

    strategy: Literal["precedence"]
    precedence: list[Blocking] = Field(min_length=1)
    proposal_decisive: list[Blocking] = Field(default_factory=new_list)
    whole: list[Change] = Field(default_factory=new_list)
    description: Text


class PackFile(Strict):
    """The shape of a policy pack YAML file."""

    schema_version: Literal[1]
    id: Text
    version: PositiveInt
    title: Text
    combine: Combine | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=new_list)
