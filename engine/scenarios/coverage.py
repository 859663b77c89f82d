"""Rule coverage: for each rule of the packs in force, how many scenarios made it fire."""

from __future__ import annotations

from pydantic import BaseModel

from engine.scenarios.run import ScenarioResult


class RuleCoverage(BaseModel):
    rule: str
    title: str
    scenarios: int  # scenarios in which the rule had a finding


class Coverage(BaseModel):
    rules: list[RuleCoverage]
    fired: int
    total: int
    percent: float
    never_fired: list[str]

    def below(self, percent: float) -> bool:
        """Whether fewer than ``percent`` percent of the rules fired (exact, not rounded)."""
        return self.fired * 100 < percent * self.total


def coverage(results: list[ScenarioResult]) -> Coverage:
    """Rules in force in any scenario (in pack order), counted over the scenarios run."""
    titles: dict[str, str] = {}
    for r in results:
        for rule, title in r.rules_in_force:
            titles.setdefault(rule, title)
    rules = [RuleCoverage(rule=rule, title=title,
                          scenarios=sum(rule in r.fired for r in results))
             for rule, title in titles.items()]
    fired = sum(1 for r in rules if r.scenarios)
    total = len(rules)
    return Coverage(rules=rules, fired=fired, total=total,
                    percent=round(100.0 * fired / total, 1) if total else 100.0,
                    never_fired=[r.rule for r in rules if not r.scenarios])
