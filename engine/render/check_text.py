"""`duty check` as a Chinese report."""

from __future__ import annotations

from collections import Counter

from engine.lists.check import ListProblem


def render_check(county: str, problems: list[ListProblem]) -> str:
    if not problems:
        return f"检查 {county}：未发现问题。\n"
    counts = Counter(p.code for p in problems)
    out = [f"检查 {county}：发现 {len(problems)} 个问题（"
           + "，".join(f"{code} {n}" for code, n in sorted(counts.items())) + "）", ""]
    for p in problems:
        where = " ".join(x for x in (p.street, p.item) if x)
        out.append(f"  [{p.code}] {where}：{p.message}")
        out.append(f"      依据：{p.basis}")
    return "\n".join(out) + "\n"
