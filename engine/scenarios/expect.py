"""Compare what a scenario expects with what the engine decided.

Only the fields an expectation writes are compared. Each difference is reported with the
street (when there is one), the field, the expected and the actual value, as JSON values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.lists.check import ListProblem
from engine.models.decision import Decision, Funding, Party, StreetDecision
from engine.models.lists import CountyLists, ListRow
from engine.models.scenario import (
    FundingExpect,
    PartyExpect,
    RowExpect,
    StepExpect,
    StreetExpect,
)

NOT_TARGET = "不是本申请的目标街道"


@dataclass(frozen=True)
class Difference:
    street: str | None
    field: str
    expected: Any
    actual: Any


def compare_decision(expect: StepExpect, decision: Decision) -> list[Difference]:
    out: list[Difference] = []
    if "verdict" in expect.model_fields_set and expect.verdict != decision.verdict:
        out.append(Difference(None, "verdict", expect.verdict, decision.verdict))
    fired = {f.rule for f in decision.findings}
    out += _rules(None, "", expect.fired, expect.not_fired, fired)
    by_street = {s.street: s for s in decision.streets}
    for sid, want in expect.streets.items():
        got = by_street.get(sid)
        if got is None:
            out.append(Difference(sid, "street", "目标街道", NOT_TARGET))
        else:
            out += _street(want, got, decision, f"streets.{sid}.")
    if expect.each_street is not None:
        for got in decision.streets:
            out += _street(expect.each_street, got, decision, "each_street.")
    return out


def _street(want: StreetExpect, got: StreetDecision, decision: Decision,
            prefix: str) -> list[Difference]:
    sid = got.street
    out: list[Difference] = []
    given = want.model_fields_set
    for name in ("verdict", "list"):
        if name in given and getattr(want, name) != getattr(got, name):
            out.append(Difference(sid, prefix + name, getattr(want, name), getattr(got, name)))
    if "primary" in given and not party_matches(want.primary, got.primary):
        out.append(Difference(sid, prefix + "primary", describe_party_expect(want.primary),
                              describe_party(got.primary)))
    if want.cooperating is not None:
        actual = sorted(p.id for p in got.cooperating)
        if sorted(want.cooperating) != actual:
            out.append(Difference(sid, prefix + "cooperating", sorted(want.cooperating),
                                  actual))
    for phase, who in (want.phases or {}).items():
        party = next((p.party for p in got.phases if p.phase == phase), None)
        if party is None or who not in (party.kind, party.id):
            out.append(Difference(sid, f"{prefix}phases.{phase}", who, describe_party(party)))
    if want.funding is not None:
        out += _funding(sid, prefix + "funding", want.funding, got.funding)
    fired = {f.rule for f in decision.findings if f.street == sid}
    out += _rules(sid, prefix, want.fired, want.not_fired, fired)
    return out


def _rules(street: str | None, prefix: str, must: list[str], must_not: list[str],
           fired: set[str]) -> list[Difference]:
    out = [Difference(street, prefix + "fired", rule, "未触发") for rule in must
           if rule not in fired]
    out += [Difference(street, prefix + "not_fired", rule, "已触发") for rule in must_not
            if rule in fired]
    return out


def _funding(street: str | None, field: str, want: FundingExpect,
             got: Funding) -> list[Difference]:
    return [Difference(street, f"{field}.{name}", getattr(want, name), getattr(got, name))
            for name in ("follows", "payer", "amount", "per")
            if name in want.model_fields_set and getattr(want, name) != getattr(got, name)]


def party_matches(want: str | PartyExpect | None, got: Party | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, str):
        return want == got.kind
    return all(getattr(want, f) == getattr(got, f) for f in want.model_fields_set)


def describe_party_expect(want: str | PartyExpect | None) -> str | None:
    if want is None or isinstance(want, str):
        return want
    return ":".join(str(getattr(want, f)) for f in ("kind", "id") if f in want.model_fields_set)


def describe_party(party: Party | None) -> str | None:
    return None if party is None else f"{party.kind}:{party.id}"


def compare_rows(rows: list[RowExpect], lists: CountyLists) -> list[Difference]:
    by_street = {s.street: s for s in lists.streets}
    out: list[Difference] = []
    for k, want in enumerate(rows):
        sl = by_street[want.street]
        got: ListRow | None = next(
            (r for r in (*sl.basic, *sl.cooperative, *sl.recalled) if r.item == want.item), None)
        field = f"rows[{k}]({want.item})"
        actual_list = got.list if got else None
        if want.list != actual_list:
            out.append(Difference(want.street, f"{field}.list", want.list, actual_list))
            continue
        if got is None:
            continue
        given = want.model_fields_set
        if "primary" in given and not party_matches(want.primary, got.primary):
            out.append(Difference(want.street, f"{field}.primary",
                                  describe_party_expect(want.primary),
                                  describe_party(got.primary)))
        if want.funding is not None:
            out += _funding(want.street, f"{field}.funding", want.funding, got.funding)
        for name in ("effective", "until", "handover_until"):
            if name in given:
                value = getattr(want, name)
                expected = value.isoformat() if value is not None else None
                if expected != getattr(got, name):
                    out.append(Difference(want.street, f"{field}.{name}", expected,
                                          getattr(got, name)))
        if "successor" in given and not party_matches(want.successor, got.successor):
            out.append(Difference(want.street, f"{field}.successor",
                                  describe_party_expect(want.successor),
                                  describe_party(got.successor)))
        for name in ("proposal", "mode", "task"):
            if name in given and getattr(want, name) != getattr(got, name):
                out.append(Difference(want.street, f"{field}.{name}", getattr(want, name),
                                      getattr(got, name)))
    return out


def compare_check(codes: list[str], problems: list[ListProblem]) -> list[Difference]:
    actual = sorted({p.code for p in problems})
    return [] if sorted(set(codes)) == actual else [
        Difference(None, "check", sorted(set(codes)), actual)]
