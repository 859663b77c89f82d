"""``make bench``: evaluation throughput of the full engine against raw durable_rules.

Every throughput figure is per CPU-second of this process (the machine may be shared; one
thread does the work), the raw figures included. Each engine figure is measured ``RUNS`` times
with its raw figure in the same round, and shown as minimum, median and maximum, with the
machine's load average at the start of each round; every other figure carries its load too.

Engine: street-level evaluations per second through the whole path (facts, rules, combined
decision) for 10,000 generated proposal–street pairs on the bundled sample county, two ways:
like for like, one rule-engine pass per street (every street fact asserted, nothing shared
between streets), and grouped, as ``decide`` runs (streets of one profile share a pass, and
streets whose facts agree on every field the rules read share their matches).

National lists: a synthetic national county at 1,000, 4,000 and 38,000 streets × 340 items,
in two shapes (streets in classes with the same lists, and almost every street's lists its
own), every street's lists built to CSV on disk by ``duty lists build --all`` in its own
process (``bench.national``): wall time, CPU time and peak RSS, load included, three runs, each
beside a plain ``csv`` writer writing the same rows to the same files (``bench.csv_floor``);
Markdown and HTML for the largest county of each shape, workbooks for every county of the
shared shape and the smallest of the varied one, each beside CSV; the growth from the
smallest county to the largest.

Wide: 20 generated proposals on a synthetic national county of 4,000 streets (street
evaluations per CPU-second), grouped as ``decide`` runs and, like for like, one pass per street
with every street fact asserted; in the same run raw durable_rules on the same rules and facts
(``raw_like``) and on generated facts with the firings of these street facts.

Start-up: ``duty --help`` and ``duty evaluate`` of one sample proposal in fresh processes,
minimum, median and maximum of repeated runs, beside ``python -c pass`` (``bench.startup``).

Raw like for like (``raw_like``), measured in the same round: durable_rules on the engine's own
rules and facts, used plainly, one fact at a time. The rules are the policy's rule cases with
the patterns the adapter registers, each with a Python action recording its match; the facts
are every proposal's facts as they cross into durable_rules (the proposal's and each target
street's, with the fields the rules test), built before the clock starts, each asserted and
retracted. The firings are counted on both sides and must be equal (the round stops
otherwise). The figure is street facts per CPU-second, the proposal facts' time included as
it is in the engine's.

Raw on generated facts, as before, beside it: durable_rules on a 20-rule ruleset with facts
built to fire as many rules on average as the engine's street facts do (an action firing is
the dominant cost in durable_rules, so equal firings make the figures comparable), with no
proposal facts and simpler patterns than the policy's: assert + retract of single facts one by
one (each firing a Python action), once more with facts that fire nothing, and batched the
way the adapter uses it (the facts of each proposal in one ``assert_facts``, every rule taking
all its matches in one action, the matches taken from durable_rules' engine module, one
``retract_facts``), in batches of the engine's proposal sizes.

This module imports durable_rules directly to measure the library itself; engine code reaches
it only through ``engine.rules.adapter``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import resource
import sys
import time
from typing import Any

from bench.generate import Generated, random_proposal
from bench.national import ITEMS, RUNS, SHAPES, SIZES, growth, load, national_run, spread
from bench.national import report as national_report
from bench.startup import report as startup_report
from bench.startup import startup
from bench.workflow import pg_available, workflow_rate
from engine.collector import paused
from engine.decide.evaluate import assemble, build_facts, decide, ruleset
from engine.loading.workspace import Workspace, load_workspace

PAIRS = 10_000
WIDE_STREETS = 4_000
RAW_RULES = 20
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
    start = time.process_time()
    for prop, item, cat, targets in batch:
        decide(ws, prop, item, cat, targets)
    elapsed = time.process_time() - start
    return {"pairs": total, "proposals": len(batch), "seconds": elapsed,
            "per_second": total / elapsed, "per_street_per_second": total / _per_street(ws, batch),
            "sizes": [len(b[3]) + 1 for b in batch], **_firings(ws, batch),
            **raw_like(ws, batch)}


def _firings(ws: Workspace, batch: list[Generated]) -> dict[str, Any]:
    """Rules fired when every target street is asserted, over every proposal timed: per
    street fact (for the raw side on generated facts: the same firings) and in all, the
    proposals' facts included (for raw durable_rules on the same facts: checked equal). A
    sample of the proposals would not do: on the 4,000-street county the first three fired
    3.48 rules per street fact, all twenty 3.64, which gave raw durable_rules less work than
    the engine had."""
    compiled = ruleset(ws.policy)
    street_firings = firings = facts = 0
    for prop, item, cat, targets in batch:
        fs = build_facts(ws, prop, item, cat, targets)
        matches = compiled.evaluate(fs, share=False)
        street_firings += sum(1 for m in matches if m.fact > 0)
        firings += len(matches)
        facts += len(fs) - 1
    return {"firings_per_street_fact": street_firings / facts, "engine_firings": firings}


def _raw_host() -> Any:
    """A durable_rules Host whose timer threads never start (the adapter's does the same):
    the work is timed in this thread alone."""
    from durable import engine as durable

    class QuietHost(durable.Host):
        def _run(self) -> None:
            return None

    return QuietHost()


def raw_like(ws: Workspace, batch: list[Generated]) -> dict[str, Any]:
    """Raw durable_rules like for like: the engine's own rules on the engine's own facts, one
    fact at a time, as durable_rules is used plainly. The rules are the policy's rule cases
    with the patterns the adapter registers, each with a Python action recording its match
    (no ``cap``: every firing is its own action); the facts are every proposal's facts as
    they cross into durable_rules (the proposal's and each target street's, with the fields
    the rules test), built before the clock starts, each asserted and retracted. Street
    facts per CPU-second, like the engine's street evaluations, and the firings (the
    engine's, counted by ``_firings``, must be the same)."""
    from durable import engine as durable

    compiled = ruleset(ws.policy)
    parts = [compiled.wires(build_facts(ws, prop, item, cat, targets))
             for prop, item, cat, targets in batch]
    fired: list[str] = []

    def record(c: Any) -> None:
        fired.append(c.m.id)

    host = _raw_host()
    name = "bench_like"
    host.register_rulesets({name: {rule: {"all": json.loads(json.dumps(patterns)),
                                          "run": record}
                                   for rule, patterns in compiled.patterns.items()}})
    start = time.process_time()
    for part in parts:
        for fact in part:
            with contextlib.suppress(durable.MessageNotHandledException):
                host.assert_fact(name, fact)
            host.retract_fact(name, fact)
    elapsed = time.process_time() - start
    streets = sum(1 for part in parts for fact in part if fact["kind"] == "street")
    return {"raw_like": streets / elapsed, "raw_like_firings": len(fired)}


def _per_street(ws: Workspace, batch: list[Generated]) -> float:
    """CPU seconds of the like-for-like path: one rule-engine pass per target street, every
    street fact asserted (no grouping by profile, no sharing of identical facts), each
    street's findings and parties made from its own fact. Otherwise as ``decide`` works: the
    collector paused while a decision is built (left running, its scans of the loaded county
    would be charged to the engine)."""
    compiled = ruleset(ws.policy)
    start = time.process_time()
    for prop, item, cat, targets in batch:
        with paused():
            facts = build_facts(ws, prop, item, cat, targets)
            assemble(ws, prop, item, cat, targets, facts, compiled.evaluate(facts, share=False))
    return time.process_time() - start


def wide_rate(streets: int, proposals: int, seed: int) -> dict[str, Any]:
    """Proposals across many streets: generated proposals on a synthetic national county,
    street evaluations per CPU-second, grouped (streets of one profile share one rule-engine
    pass and what follows from it) and, for comparison in the same run, one pass per street."""
    from bench.synthetic import synthetic_workspace

    ws = synthetic_workspace(streets, 60)
    rng = random.Random(seed)
    batch = [random_proposal(rng, ws, n, max_streets=streets) for n in range(proposals)]
    pairs = sum(len(b[3]) for b in batch)
    start = time.process_time()
    for prop, item, cat, targets in batch:
        decide(ws, prop, item, cat, targets)
    grouped = time.process_time() - start
    return {"streets": streets, "proposals": proposals, "pairs": pairs,
            "per_second": pairs / grouped, "per_street_per_second": pairs / _per_street(ws, batch),
            "sizes": [len(b[3]) + 1 for b in batch], **_firings(ws, batch),
            **raw_like(ws, batch)}


def raw_rate(count: int, firings: float, seed: int, sizes: list[int] | None = None) -> float:
    """Raw durable_rules: ``count`` street facts asserted and retracted per CPU-second, one by
    one (each firing runs a Python action), or with ``sizes`` in batches of those sizes the
    way the adapter works (see the module's description)."""
    from durable import engine as durable

    host = _raw_host()
    fired: list[str] = []
    batched = sizes is not None
    name = f"bench_raw_{seed}_{firings:.3f}_{int(batched)}".replace(".", "_")
    cap = {"cap": 10_000} if batched else {}
    rules: dict[str, Any] = {
        f"r{i}": {"all": [{"m": {"$and": [{"kind": "street"}, {f"g{i}": 1}]}}], **cap,
                  "run": lambda c: fired.append(c.m.id)}
        for i in range(RAW_RULES)
    }
    if batched:  # every fact handled, so that a batch with a fact no rule matches is kept
        rules["handled"] = {"all": [{"m": {"$ex": {"kind": 1}}}, {"n": {"$ex": {"never": 1}}}],
                            "run": lambda c: None}
    host.register_rulesets({name: rules})
    rng = random.Random(seed)
    facts = []
    for n in range(count):
        k = int(firings) + (1 if rng.random() < firings - int(firings) else 0)
        on = set(rng.sample(range(RAW_RULES), min(k, RAW_RULES)))
        facts.append({"id": f"r{n}", "sid": "bench", "kind": "street",
                      **{f"g{i}": int(i in on) for i in range(RAW_RULES)}})
    if not batched:
        start = time.process_time()
        for fact in facts:
            with contextlib.suppress(durable.MessageNotHandledException):
                host.assert_fact(name, fact)
            host.retract_fact(name, fact)
        return count / (time.process_time() - start)
    engine = durable.durable_rules_engine
    handle = host.get_ruleset(name)._handle
    batches, at = [], 0
    for size in itertools.cycle(sizes or [1]):
        if at >= count:
            break
        batches.append(facts[at:at + size])
        at += size
    start = time.process_time()
    for part in batches:
        state = engine.assert_facts(handle, json.dumps(part, ensure_ascii=False))[1]
        started = engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            for frames in json.loads(message).values():
                fired.extend(frame["m"]["id"] for frame in frames)
            message = engine.complete_and_start_action(handle, state)
        host.retract_facts(name, [{"id": f["id"], "sid": "bench"} for f in part])
    return count / (time.process_time() - start)


def _formats(shape: str, streets: int, sizes: list[int]) -> tuple[str, ...]:
    """The formats timed for one county: CSV for every one; Markdown and HTML beside it for
    the largest county of each shape; workbooks for every county of the shared shape and the
    smallest of the varied one (where each street's workbook is put together for itself, the
    largest county would take many minutes a run)."""
    return ("csv", *(("md", "html") if streets == max(sizes) else ()),
            *(("xlsx",) if shape == "shared" or streets == min(sizes) else ()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help="proposal–street pairs")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--national", default=",".join(str(n) for n in SIZES),
                        help="street counts of the synthetic national county, comma-separated "
                             "(empty: skip)")
    parser.add_argument("--list-items", type=int, default=ITEMS)
    parser.add_argument("--history", default=HISTORY,
                        help="published proposals after which one more is timed through the "
                             "workflow, comma-separated ('' to skip)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    rounds = []
    for _ in range(RUNS):  # each engine figure beside its raw figures, measured in one round
        loadavg = load()
        eng = engine_rate(args.pairs, args.seed)
        raw_same = raw_rate(args.pairs, eng["firings_per_street_fact"], args.seed)
        raw_batched = raw_rate(args.pairs, eng["firings_per_street_fact"], args.seed,
                               eng["sizes"])
        raw_none = raw_rate(args.pairs, 0.0, args.seed)
        wide = wide_rate(WIDE_STREETS, 20, args.seed)
        raw_wide = raw_rate(args.pairs, wide["firings_per_street_fact"], args.seed)
        raw_wide_batched = raw_rate(args.pairs, wide["firings_per_street_fact"], args.seed,
                                    wide["sizes"])
        per_street, wide_per_street = eng["per_street_per_second"], wide["per_street_per_second"]
        for side in (eng, wide):  # like for like: the same firings, or no comparison
            if side["raw_like_firings"] != side["engine_firings"]:
                raise SystemExit(f"原始 durable_rules 触发 {side['raw_like_firings']} 次，"
                                 f"引擎 {side['engine_firings']} 次：不是同等比较")
        rounds.append({
            "load": loadavg, "engine": eng["per_second"], "engine_per_street": per_street,
            "raw_like": eng["raw_like"], "ratio_like": per_street / eng["raw_like"],
            "ratio_like_grouped": eng["per_second"] / eng["raw_like"],
            "raw_wide_like": wide["raw_like"],
            "wide_ratio_like": wide_per_street / wide["raw_like"],
            "wide_ratio_like_grouped": wide["per_second"] / wide["raw_like"],
            "like_firings": eng["engine_firings"], "wide_like_firings": wide["engine_firings"],
            "raw_same": raw_same, "raw_batched": raw_batched, "raw_none": raw_none,
            "ratio_per_street": per_street / raw_same,
            "ratio_per_street_batched": per_street / raw_batched,
            "ratio_same": eng["per_second"] / raw_same,
            "ratio_none": per_street / raw_none, "wide": wide["per_second"],
            "wide_per_street": wide_per_street, "raw_wide": raw_wide,
            "raw_wide_batched": raw_wide_batched,
            "wide_ratio": wide["per_second"] / raw_wide,
            "wide_per_street_ratio": wide_per_street / raw_wide,
            "wide_per_street_ratio_batched": wide_per_street / raw_wide_batched,
            "pairs": eng["pairs"], "proposals": eng["proposals"],
            "firings": eng["firings_per_street_fact"], "wide_pairs": wide["pairs"],
            "wide_firings": wide["firings_per_street_fact"]})
    peak_eval_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start_up = startup()
    sizes = [int(n) for n in args.national.split(",") if n]
    national = [national_run(n, args.list_items, _formats(shape, n, sizes), shape=shape)
                for shape in SHAPES for n in sizes]
    marks = [int(x) for x in args.history.split(",") if x.strip()]
    engines = ["sqlite", *(["postgresql"] if pg_available() else [])]
    flows = []
    for engine in engines if marks else []:
        loadavg = load()
        flows.append({"load": loadavg, **workflow_rate(marks, args.seed, engine)})
    first = rounds[0]
    figures = {
        "rounds": rounds,
        **{key: spread([r[key] for r in rounds]) for key in (
            "engine", "engine_per_street", "raw_like", "ratio_like", "ratio_like_grouped",
            "raw_wide_like", "wide_ratio_like", "wide_ratio_like_grouped",
            "raw_same", "raw_batched", "raw_none",
            "ratio_per_street", "ratio_per_street_batched", "ratio_same", "ratio_none", "wide",
            "wide_per_street", "raw_wide", "raw_wide_batched", "wide_ratio",
            "wide_per_street_ratio", "wide_per_street_ratio_batched")},
        "engine_pairs": first["pairs"], "engine_proposals": first["proposals"],
        "firings_per_street_fact": round(first["firings"], 2),
        "like_firings": first["like_firings"], "wide_like_firings": first["wide_like_firings"],
        "wide_pairs": first["wide_pairs"],
        "wide_firings_per_street_fact": round(first["wide_firings"], 2),
        "peak_rss_mb_evaluation": round(peak_eval_mb, 1),
        "startup": start_up,
        "national": national,
        "workflow": flows,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0

    def mmm(key: str, digits: int = 0) -> str:
        f = figures[key]
        return "/".join(f"{f[k]:,.{digits}f}" for k in ("min", "median", "max"))

    loads = "、".join(str(r["load"]) for r in rounds)
    print(f"评估吞吐量（make bench；{RUNS} 轮，最短/中位/最长，各轮开始时负载 {loads}）")
    print(f"  示例县（{first['pairs']:,} 个申请—街道组合，{first['proposals']} 个申请）：")
    print(f"    原始 durable_rules 同等比较（引擎的规则和事实，申请和街道事实逐个断言+撤回，每次"
          f"触发一个 Python 动作；触发 {first['like_firings']:,} 次，与引擎相同）："
          f"{mmm('raw_like')} 街道事实/CPU 秒")
    print(f"    完整引擎，每个街道一次规则引擎遍历（同等比较）：{mmm('engine_per_street')}"
          f" 街道评估/CPU 秒；与原始同等比较之比 {mmm('ratio_like', 3)}")
    print(f"    完整引擎，按街道画像分组（decide 的做法）：{mmm('engine')} 街道评估/CPU 秒；"
          f"与原始同等比较之比 {mmm('ratio_like_grouped', 3)}")
    print(f"    另：原始 durable_rules 20 条规则、生成的事实（平均每个街道事实触发 "
          f"{figures['firings_per_street_fact']} 条规则，与引擎相同）逐个断言+撤回："
          f"{mmm('raw_same')} 个事实/CPU 秒，引擎每个街道一次遍历与之比 "
          f"{mmm('ratio_per_street', 3)}，分组与之比 {mmm('ratio_same', 3)}；"
          f"按申请成批（与适配器同样用法）：{mmm('raw_batched')}，与之比 "
          f"{mmm('ratio_per_street_batched', 3)}；不触发、逐个：{mmm('raw_none')}，与之比 "
          f"{mmm('ratio_none', 3)}")
    print(f"  评估阶段峰值内存：{figures['peak_rss_mb_evaluation']} MB")
    print(f"  覆盖多街道的申请（合成县 {WIDE_STREETS:,} 个街道，20 个申请，"
          f"{first['wide_pairs']:,} 个申请—街道组合）：")
    print(f"    原始 durable_rules 同等比较（触发 {first['wide_like_firings']:,} 次，与引擎相同）："
          f"{mmm('raw_wide_like')} 街道事实/CPU 秒")
    print(f"    每个街道一次规则引擎遍历（同等比较）：{mmm('wide_per_street')} 街道评估/CPU 秒，"
          f"与原始同等比较之比 {mmm('wide_ratio_like', 3)}")
    print(f"    按街道画像分组（同一画像的街道共用一次遍历）：{mmm('wide')} 街道评估/CPU 秒，"
          f"与原始同等比较之比 {mmm('wide_ratio_like_grouped', 3)}")
    print(f"    另：原始 durable_rules 20 条规则、生成的事实（平均每个街道事实触发 "
          f"{figures['wide_firings_per_street_fact']} 条规则）逐个 {mmm('raw_wide')}、成批 "
          f"{mmm('raw_wide_batched')} 个事实/CPU 秒；每个街道一次遍历与之比 "
          f"{mmm('wide_per_street_ratio', 3)}（成批 {mmm('wide_per_street_ratio_batched', 3)}），"
          f"分组与之比 {mmm('wide_ratio', 3)}")
    for line in startup_report(start_up):
        print(line)
    for run in national:
        for line in national_report(run):
            print(line)
    for line in growth(national):
        print(line)
    for flow in flows:
        print(f"准入流程（{flow['engine']}，同一数据库，负载 {flow['load']}）：公布 "
              f"{flow['published']:,} 个申请"
              f"（另有 {flow['returned']:,} 个因规则退回后撤回），共 "
              f"{flow['commands']:,} 个命令，{flow['fill_seconds']:.1f} 秒"
              f"（{flow['commands_per_second']:,.0f} 个命令/秒）；核对 {flow['audit_entries']:,} "
              f"条审计记录 {flow['verify_seconds']:.2f} 秒")
        for mark, t in flow["latency"].items():
            publish = f"公布 {t['publish'] * 1000:.0f} ms" if "publish" in t else "（被退回）"
            print(f"  已公布 {mark:,} 个之后再办一个：提交 {t['submit'] * 1000:.0f} ms，"
                  f"审核 {t['review'] * 1000:.0f} ms，{publish}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
