"""The docs stay true: every fact field is documented, every baseline rule is in the README."""

from __future__ import annotations

from engine.rules.facts import STREET_FIELDS
from tests.conftest import ROOT


def test_every_fact_field_is_documented() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [name for name in STREET_FIELDS if f"`{name}`" not in text]
    assert not missing


def test_readme_shows_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
