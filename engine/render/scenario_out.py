"""Scenario runs as text (one line per scenario, differences, closing count) and JSON."""

from __future__ import annotations

from typing import Any

from engine.scenarios.coverage import Coverage
from engine.scenarios.expect import Difference
from engine.scenarios.run import ScenarioResult, StepResult


def _value(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "（空）"
    return str(value)


def describe(step: StepResult, d: Difference) -> str:
    where = f"第 {step.number} 步（{step.decision.proposal}）"
    if d.street:
        where += f"街道 {d.street}"
    return f"{where}，{d.field}：期望 {_value(d.expected)}，实际 {_value(d.actual)}"


def closing(results: list[ScenarioResult]) -> str:
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"


def render_text(results: list[ScenarioResult], cov: Coverage | None) -> str:
    out: list[str] = []
    for r in results:
        sc = r.scenario
        out.append(f"{'通过' if r.passed else '失败'}  {sc.key}：{sc.spec.name}")
        for step in r.steps:
            out += [f"      {describe(step, d)}" for d in step.differences]
    if cov is not None:
        out += ["", *render_coverage(cov)]
    out += ["", closing(results)]
    return "\n".join(out) + "\n"


def render_coverage(cov: Coverage) -> list[str]:
    width = max((len(r.rule) for r in cov.rules), default=0)
    out = [f"规则覆盖：{cov.fired}/{cov.total} 条规则至少在一个情景中触发（{cov.percent}%）"]
    out += [f"  {r.rule.ljust(width)}  {r.scenarios:>3} 个情景  {r.title}" for r in cov.rules]
    out.append("从未触发：" + ("、".join(cov.never_fired) or "无"))
    return out


def to_json(results: list[ScenarioResult], cov: Coverage | None) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    out: dict[str, Any] = {
        "scenarios": [{
            "key": r.scenario.key,
            "file": r.scenario.display,
            "name": r.scenario.spec.name,
            "passed": r.passed,
            "steps": [{
                "step": s.number,
                "proposal": s.decision.proposal,
                "verdict": s.decision.verdict,
                "applied": s.applied,
                "streets": {d.street: d.verdict for d in s.decision.streets},
                "rules_fired": sorted({f.rule for f in s.decision.findings}),
                "differences": [{"street": d.street, "field": d.field,
                                 "expected": d.expected, "actual": d.actual}
                                for d in s.differences],
            } for s in r.steps],
        } for r in results],
        "passed": passed,
        "failed": len(results) - passed,
    }
    if cov is not None:
        out["coverage"] = cov
    return out
