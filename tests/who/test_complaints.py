"""The collected complaints: the file is sound, and every held-aside complaint gets a ranked
answer with parties per phase and the rules and citations behind each item. Accuracy is
measured in ``bench/who.py``, not asserted here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import county_workspace
from engine.who.answer import Who

FILE = Path(__file__).resolve().parent.parent / "data" / "complaints" / "complaints.yaml"
COMPLAINTS: list[dict[str, Any]] = yaml.safe_load(FILE.read_text(encoding="utf-8"))["complaints"]
HELD = [c for c in COMPLAINTS if c["split"] == "held"]


@pytest.fixture(scope="module")
def who() -> Who:
    return Who(county_workspace())


def test_the_file_is_sound(who: Who) -> None:
    county = who.ws.county
    assert len(COMPLAINTS) >= 150 and len({c["place"] for c in COMPLAINTS}) >= 3
    assert len({c["id"] for c in COMPLAINTS}) == len(COMPLAINTS)
    for n, c in enumerate(COMPLAINTS, 1):
        assert c["split"] == ("held" if n % 3 == 0 else "tune"), c["id"]  # the fixed split
        assert c["source"].startswith(("http://", "https://")), c["id"]
        for label in c["labels"]:
            assert c["street"] in county.item_streets(county.items[label]), (c["id"], label)


@pytest.mark.parametrize("complaint", HELD, ids=[c["id"] for c in HELD])
def test_held_aside_complaint_gets_parties_and_citations(who: Who,
                                                        complaint: dict[str, Any]) -> None:
    answer = who.answer(complaint["text"], complaint["street"], top=3)
    assert answer.matches, complaint["id"]
    for m in answer.matches:
        assert m.phases and all(p.party.name for p in m.phases)
        assert m.lead is not None and m.list in ("basic", "cooperative", "recalled")
        assert m.rules and all(r.citation for r in m.rules)
        assert m.legal_basis
