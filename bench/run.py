"""``make bench``: evaluation throughput of the full engine against raw durable_rules.

Engine: street-level evaluations per second through the whole path (facts, rules, combined
decision) for 10,000 generated proposal–street pairs on the bundled sample county.

Raw: durable_rules assert + retract of single facts on a 20-rule ruleset, measured in the same
run, with facts built to fire as many rules on average as the engine's street facts do (an
action firing is the dominant cost in durable_rules, so equal firings make the figures
comparable), and once with facts that fire nothing.

This module imports durable_rules directly to measure the library itself; engine code reaches
it only through ``engine.rules.adapter``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import sys
import time
from typing import Any

from bench.generate import random_proposal
from bench.workflow import pg_available, workflow_rate
from engine.decide.evaluate import build_facts, decide, ruleset
from engine.loading.workspace import load_workspace

PAIRS = 10_000
RAW_RULES = 20
LIST_STREETS = 1_000
LIST_ITEMS = 340
HISTORY = "100,1000,5000"


def engine_rate(pairs: int, seed: int) -> dict[str, Any]:
    ws = load_workspace()
    rng = random.Random(seed)
    batch = []
    total = 0
    while total < pairs:
        g = random_proposal(rng, ws, len(batch), max_streets=len(ws.county.streets))
        batch.append(g)
        total += len(g[3])
    compiled = ruleset(ws.policy)
    firings = facts = 0
    for prop, item, cat, targets in batch[:200]:  # firings per street fact, for the raw side
        fs = build_facts(ws, prop, item, cat, targets)
        firings += sum(1 for m in compiled.evaluate(fs) if m.fact > 0)
        facts += len(fs) - 1
    start = time.perf_counter()
    for prop, item, cat, targets in batch:
        decide(ws, prop, item, cat, targets)
    elapsed = time.perf_counter() - start
    return {"pairs": total, "proposals": len(batch), "seconds": elapsed,
            "per_second": total / elapsed, "firings_per_street_fact": firings / facts}


def raw_rate(count: int, firings: float, seed: int) -> float:
    from durable import engine as durable

    class QuietHost(durable.Host):
        def _run(self) -> None:
            return None

    host = QuietHost()
    fired: list[str] = []
    name = f"bench_raw_{seed}_{firings:.3f}".replace(".", "_")
    rules = {
        f"r{i}": {"all": [{"m": {"$and": [{"kind": "street"}, {f"g{i}": 1}]}}],
                  "run": lambda c: fired.append(c.m.id)}
        for i in range(RAW_RULES)
    }
    host.register_rulesets({name: rules})
    rng = random.Random(seed)
    facts = []
    for n in range(count):
        k = int(firings) + (1 if rng.random() < firings - int(firings) else 0)
        on = set(rng.sample(range(RAW_RULES), min(k, RAW_RULES)))
        facts.append({"id": f"r{n}", "sid": "bench", "kind": "street",
                      **{f"g{i}": int(i in on) for i in range(RAW_RULES)}})
    start = time.perf_counter()
    for fact in facts:
        with contextlib.suppress(durable.MessageNotHandledException):
            host.assert_fact(name, fact)
        host.retract_fact(name, fact)
    return count / (time.perf_counter() - start)


def lists_rate(streets: int, items: int) -> dict[str, Any]:
    """Build every list of a synthetic county (streets × items)."""
    from bench.synthetic import synthetic_workspace
    from engine.lists.build import build_lists

    ws = synthetic_workspace(streets, items)
    start = time.perf_counter()
    lists = build_lists(ws)
    elapsed = time.perf_counter() - start
    rows = sum(len(s.basic) + len(s.cooperative) + len(s.recalled) for s in lists.streets)
    return {"rows": rows, "seconds": elapsed, "per_second": rows / elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help="proposal–street pairs")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--list-streets", type=int, default=LIST_STREETS,
                        help="streets of the synthetic county for list building (0: skip)")
    parser.add_argument("--list-items", type=int, default=LIST_ITEMS)
    parser.add_argument("--history", default=HISTORY,
                        help="published proposals after which one more is timed through the "
                             "workflow, comma-separated ('' to skip)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    eng = engine_rate(args.pairs, args.seed)
    raw_same = raw_rate(args.pairs, eng["firings_per_street_fact"], args.seed)
    raw_none = raw_rate(args.pairs, 0.0, args.seed)
    peak_eval_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lists = lists_rate(args.list_streets, args.list_items) if args.list_streets else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks = [int(x) for x in args.history.split(",") if x.strip()]
    engines = ["sqlite", *(["postgresql"] if pg_available() else [])]
    flows = [workflow_rate(marks, args.seed, engine) for engine in engines] if marks else []
    figures = {
        "engine_pairs_per_second": round(eng["per_second"]),
        "engine_pairs": eng["pairs"],
        "engine_proposals": eng["proposals"],
        "firings_per_street_fact": round(eng["firings_per_street_fact"], 2),
        "raw_per_second_same_firings": round(raw_same),
        "raw_per_second_no_firing": round(raw_none),
        "ratio_to_raw_same_firings": round(eng["per_second"] / raw_same, 3),
        "ratio_to_raw_no_firing": round(eng["per_second"] / raw_none, 3),
        "peak_rss_mb_evaluation": round(peak_eval_mb, 1),
        "list_rows": lists["rows"] if lists else 0,
        "list_rows_per_second": round(lists["per_second"]) if lists else 0,
        "list_seconds": round(lists["seconds"], 1) if lists else 0,
        "peak_rss_mb": round(peak_mb, 1),
        "workflow": flows,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("评估吞吐量（make bench）")
    print(f"  完整引擎：{figures['engine_pairs_per_second']:,} 街道评估/秒"
          f"（{eng['pairs']:,} 个申请—街道组合，{eng['proposals']} 个申请，"
          f"平均每个街道事实触发 {figures['firings_per_street_fact']} 条规则）")
    same = figures["raw_per_second_same_firings"]
    print(f"  原始 durable_rules（20 条规则，触发数相同）：{same:,}"
          f" 次断言+撤回/秒；比值 {figures['ratio_to_raw_same_firings']}")
    print(f"  原始 durable_rules（20 条规则，不触发）：{figures['raw_per_second_no_firing']:,}"
          f" 次断言+撤回/秒；比值 {figures['ratio_to_raw_no_firing']}")
    print(f"  评估阶段峰值内存：{figures['peak_rss_mb_evaluation']} MB")
    if lists:
        print(f"清单生成（合成县 {args.list_streets:,} 个街道 × {args.list_items} 个事项）："
              f"{lists['rows']:,} 行，{lists['seconds']:.1f} 秒，"
              f"{figures['list_rows_per_second']:,} 行/秒；峰值内存 {figures['peak_rss_mb']} MB")
    for flow in flows:
        print(f"准入流程（{flow['engine']}，同一数据库）：公布 {flow['published']:,} 个申请共 "
              f"{flow['commands']:,} 个命令，{flow['fill_seconds']:.1f} 秒"
              f"（{flow['commands_per_second']:,.0f} 个命令/秒）；核对 {flow['audit_entries']:,} "
              f"条审计记录 {flow['verify_seconds']:.2f} 秒")
        for mark, t in flow["latency"].items():
            print(f"  已公布 {mark:,} 个之后再办一个：提交 {t['submit'] * 1000:.0f} ms，"
                  f"审核 {t['review'] * 1000:.0f} ms，公布 {t['publish'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
