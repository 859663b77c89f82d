"""Run scenarios: evaluate each step on the county as the previous steps left it, compare."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from engine.decide.evaluate import judge
from engine.errors import DataError, DataErrors, UsageError
from engine.lists.apply import apply_decisions
from engine.lists.build import build_lists
from engine.lists.check import check_county
from engine.lists.diff import ListsDiff, diff_lists
from engine.loading.dated import at_date
from engine.loading.workspace import Workspace
from engine.models.decision import Decision
from engine.models.lists import CountyLists
from engine.scenarios.expect import Difference, compare_check, compare_decision, compare_rows
from engine.scenarios.load import CountyCache, Scenario, load_scenario


class UnreadableScenarios(DataErrors):
    """Scenario files that cannot be read or run: a usage problem of the run (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class StepResult:
    number: int  # from 1
    decision: Decision
    applied: bool
    differences: list[Difference]
    diff: ListsDiff | None  # the lists before and after, for an applied step (when asked)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    steps: list[StepResult]
    rules_in_force: list[tuple[str, str]]  # (id, title) of every rule of the packs in force
    fired: set[str] = field(default_factory=set)  # rules with a finding in any step

    @property
    def passed(self) -> bool:
        return not any(s.differences for s in self.steps)


def discover(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Scenario files under the given files and folders, each with its key, in stable order."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
            found += [(f, f.relative_to(path).with_suffix("").as_posix()) for f in files]
        elif path.is_file():
            found.append((path, path.stem))
        else:
            raise UsageError(f"情景文件或目录不存在：{path}",
                             hint="省略 PATH 时运行当前目录下 scenarios/ 中的全部情景。")
    return found


def select(found: list[tuple[Path, str]], pattern: str | None) -> list[tuple[Path, str]]:
    """Keep the scenarios whose key contains ``pattern`` (case-insensitive)."""
    if pattern is None:
        return found
    return [(p, k) for p, k in found if pattern.lower() in k.lower()]


def load_all(found: list[tuple[Path, str]]) -> list[Scenario]:
    """Every scenario, or every error in them at once."""
    cache = CountyCache()
    scenarios: list[Scenario] = []
    errors: list[DataError] = []
    for path, key in found:
        try:
            scenarios.append(load_scenario(path, key, cache))
        except DataError as exc:  # one error or several
            errors.append(exc)
    if errors:
        raise UnreadableScenarios(errors)
    return scenarios


def run_scenario(scenario: Scenario, with_diffs: bool = False,
                 today: date | None = None) -> ScenarioResult:
    """Run one scenario. Each step is evaluated, and its lists read, on its ``as_of`` day,
    else on ``today`` (None: the county as written, dates of force not counted)."""
    ws: Workspace = scenario.workspace
    steps: list[StepResult] = []
    fired: set[str] = set()
    for number, s in enumerate(scenario.steps, start=1):
        day = s.step.as_of or today
        try:
            dated = at_date(ws, day)
            decision, item = judge(dated, s.source)
            applied = apply_decisions(ws, [decision], [item])
        except DataError as exc:  # one error or several
            raise UnreadableScenarios([exc]) from None
        after = applied if s.step.apply else ws
        expect = s.step.expect
        differences = compare_decision(expect, decision)
        lists_after: CountyLists | None = None
        if expect.rows or (with_diffs and s.step.apply):
            lists_after = build_lists(at_date(after, day))
            differences += compare_rows(expect.rows, lists_after)
        if expect.check is not None:
            differences += compare_check(expect.check, check_county(at_date(after, day)))
        for k, reading in enumerate(s.step.read):
            on = at_date(after, reading.as_of)
            found = compare_rows(reading.rows, build_lists(on)) if reading.rows else []
            if reading.check is not None:
                found += compare_check(reading.check, check_county(on))
            differences += [replace(d, field=f"read[{k}]（{reading.as_of.isoformat()}）."
                                    f"{d.field}") for d in found]
        diff = None
        if with_diffs and s.step.apply and lists_after is not None:
            diff = diff_lists(build_lists(at_date(ws, day)), lists_after)
        steps.append(StepResult(number, decision, s.step.apply, differences, diff))
        fired |= {f.rule for f in decision.findings}
        ws = after
    policy = scenario.workspace.policy
    return ScenarioResult(scenario, steps, [(r.id, r.title) for r in policy.rules], fired)


def run_all(scenarios: list[Scenario], with_diffs: bool = False,
            progress: Callable[[int, int], None] | None = None,
            today: date | None = None) -> list[ScenarioResult]:
    """Run every scenario in order; ``progress`` hears (done, total) after each; steps
    without their own ``as_of`` are read on ``today``."""
    results = []
    for scenario in scenarios:
        results.append(run_scenario(scenario, with_diffs, today))
        if progress is not None:
            progress(len(results), len(scenarios))
    return results
