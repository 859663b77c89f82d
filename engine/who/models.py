"""The answer of `duty who`: the items of one street's lists that match a complaint, best
first, each with its parties per phase and the rules and citations that placed it.

The JSON form of these models is the interface of ``duty who --format json`` and of the web's
JSON endpoint: keys are English, text stays Chinese.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat

from engine.models.base import Id, Strict, Text
from engine.models.decision import Out, Party
from engine.models.lists import ListSource
from engine.vocab import ListKind, Phase


class PhaseParty(Out):
    """One phase of the work (巡查, 检查, 处罚 …) and the party carrying it in this street."""

    phase: Phase
    label: str  # the phase in Chinese
    party: Party


class RuleCitation(Out):
    """A rule that placed the item on its list, with the policy clause it rests on."""

    rule: str
    title: str
    citation: str


class WhoMatch(Out):
    rank: int
    score: float
    terms: list[str]  # the words of the complaint found in the item
    item: str
    name: str
    department: str
    department_name: str
    list: ListKind
    list_name: str
    lead: Party | None
    cooperating: list[Party]
    phases: list[PhaseParty]
    task: str  # the street's duty as its list words it
    legal_basis: str
    rules: list[RuleCitation]
    proposal: str | None  # the admitted proposal that put the item there, if any


class Suggestion(Out):
    """When nothing on the street's lists matches well: the department whose catalogue item
    the complaint is closest to (None when nothing in the catalogue matches either)."""

    department: str
    department_name: str
    item: str
    item_name: str


class WhoAnswer(Out):
    query: str
    street: str
    street_name: str
    source: ListSource | None  # the published version answered from; None: the directory
    confident: bool  # the best match scores at least the county's threshold
    matches: list[WhoMatch]
    suggestion: Suggestion | None


class Vocabulary(Strict):
    """The county's own words for `duty who` (``synonyms.yaml`` in the county directory),
    kept by the establishment office, not in code."""

    schema_version: Literal[1]
    threshold: NonNegativeFloat = 0.0  # below this best score the answer is not confident
    stopwords: list[Text] = Field(default_factory=list)
    synonyms: list[list[Text]] = Field(default_factory=list)  # groups of words meaning the same
    items: dict[Id, list[Text]] = Field(default_factory=dict)  # how citizens name an item
