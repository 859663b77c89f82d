"""`duty scenario run --report`: what happened in each scenario, step by step (Markdown)."""

from __future__ import annotations

from engine.labels import verdict_label
from engine.lists.apply import changed_streets
from engine.render.decision_text import render_decision
from engine.render.diff_text import render_diff
from engine.render.escape import md_inline, terminal
from engine.render.scenario_out import closing, describe
from engine.scenarios.run import ScenarioResult


def render_report(results: list[ScenarioResult]) -> str:
    out = ["# 情景检验报告", "", closing(results), ""]
    out += [f"- \\[{'通过' if r.passed else '失败'}\\] "
            f"{md_inline(f'{r.scenario.key}：{r.scenario.spec.name}')}" for r in results]
    for r in results:
        sc = r.scenario
        out += ["", f"## {md_inline(f'{sc.key}：{sc.spec.name}')}", "",
                f"文件：{md_inline(sc.display)}；结果：{'通过' if r.passed else '失败'}", "",
                terminal(sc.spec.description.strip())]
        if sc.spec.sources:
            out += ["", "依据：", *[f"- {c.render()}" for c in sc.spec.sources]]
        for s, step in zip(r.steps, sc.steps, strict=True):
            d = s.decision
            admitted = changed_streets(d)
            if not s.applied:
                effect = "仅评估，未计入清单。"
            elif admitted:
                effect = f"获准的街道（{'、'.join(admitted)}）计入清单后进入下一步。"
            else:
                effect = "未获准，清单不变。"
            out += ["", f"### 第 {s.number} 步：{md_inline(f'{d.proposal} {d.title}')}", "",
                    f"结论：{verdict_label(d.change, d.verdict)}（{d.verdict}）；{effect}"]
            if step.step.note:
                out += ["", terminal(step.step.note.strip())]
            if s.differences:
                out += ["", "与预期不符：", *[f"- {describe(s, x)}" for x in s.differences]]
            out += ["", "```text", render_decision(d).rstrip("\n"), "```"]
            if s.diff is not None:
                out += ["", render_diff(s.diff, markdown=True, level=4).rstrip("\n")]
    return "\n".join(out) + "\n"
