"""Street profiles: the inputs each street fact field declares are all it depends on."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bench.synthetic import synthetic_workspace
from engine.decide.evaluate import build_facts
from engine.lists.plan import placement
from engine.rules.facts import PROPOSAL_FIELDS, STREET_FIELDS, STREET_INPUTS
from engine.rules.profile import StreetProfiles, fields_read, street_inputs


def test_every_street_field_says_what_it_is_derived_from() -> None:
    for name, spec in STREET_FIELDS.items():
        if name not in PROPOSAL_FIELDS:
            assert spec.inputs, name
        assert set(spec.inputs) <= set(STREET_INPUTS), name


# ``listed`` and ``opinion`` come from the proposal's view of each street, not the street
STREET_ONLY = [f for f, spec in STREET_FIELDS.items()
               if f not in PROPOSAL_FIELDS and not {"listed", "opinion"} & set(spec.inputs)]


@pytest.mark.parametrize("field", STREET_ONLY)
def test_streets_agreeing_on_a_fields_inputs_agree_on_its_value(field: str) -> None:
    """On a generated county with varied streets, streets that agree on the inputs a field
    declares get the same value of it, for every item: the declarations are complete."""
    ws = synthetic_workspace(60, 60, seed=3)
    profiles = StreetProfiles(ws.graph, frozenset(STREET_FIELDS[field].inputs),
                              ws.policy.parameters)
    streets = list(ws.county.streets)
    varied = 0
    for item, mode, delegated in (
            (item, mode, delegated) for item in ws.county.items.values()
            for mode, delegated in ((None, ["penalty", "licensing", "compulsion"]),
                                    ("hand_over", ["penalty", "inspection", "confirmation"]))):
        p = placement(item, streets)
        p = p.model_copy(update={"mode": mode, "resources": p.resources.model_copy(
            update={"powers_delegated": delegated})})
        facts = build_facts(ws, p, item, True, streets, set())[1:]
        values: dict[tuple[object, ...], set[object]] = defaultdict(set)
        for sid, fact in zip(streets, facts, strict=True):
            value = fact[field]
            values[profiles.key(item.department, sid)].add(
                tuple(value) if isinstance(value, list) else value)
        assert all(len(v) == 1 for v in values.values()), (item.id, dict(values))
        varied += len({v for vs in values.values() for v in vs}) > 1
    assert varied  # the county tells streets apart on this field


def test_message_placeholders_count_when_asked() -> None:
    ws = synthetic_workspace(4, 4)
    assert fields_read(ws.policy) <= fields_read(ws.policy, messages=True)
    assert street_inputs(["street_name", "granted_powers"]) == {"identity", "granted"}
