"""``make bench`` (who): `duty who` on real complaints, on the loaded sample county.

The complaints (``tests/data/complaints/complaints.yaml``) were collected from published
reports and labelled by hand with the sample catalogue's items before any tuning; every third
is held aside. By default the held-aside third is scored: top-1 and top-3 accuracy (a
complaint counts when one of its labels is the first, or among the first three, items of the
answer for its street), and the latency of one query once the county and its index are loaded
(median, 95th percentile and worst, wall time; the load is reported apart).

``--split tune`` scores the other two thirds instead, and ``--misses`` lists the tuning
complaints answered wrongly (never the held-aside ones: they are not looked at while tuning).

Targets (issue 24): top-3 >= 90 %, top-1 >= 75 %, one query <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from engine.api import county_workspace
from engine.who.answer import Who

COMPLAINTS = Path(__file__).resolve().parent.parent / "tests/data/complaints/complaints.yaml"
TARGETS = {"top1": 0.75, "top3": 0.90, "ms": 50.0}


def complaints(split: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(COMPLAINTS.read_text(encoding="utf-8"))["complaints"]
    return [c for c in data if split == "all" or c["split"] == split]


def run(split: str, misses: bool = False) -> dict[str, Any]:
    start = time.perf_counter()
    who = Who(county_workspace())
    loaded = time.perf_counter() - start
    chosen = complaints(split)
    top1 = top3 = 0
    latencies: list[float] = []
    wrong: list[dict[str, Any]] = []
    for c in chosen:
        t0 = time.perf_counter()
        answer = who.answer(c["text"], c["street"], top=3)
        latencies.append((time.perf_counter() - t0) * 1000)
        ranked = [m.item for m in answer.matches]
        labels = set(c["labels"])
        top1 += bool(ranked[:1] and ranked[0] in labels)
        top3 += bool(labels & set(ranked[:3]))
        if misses and not (ranked[:1] and ranked[0] in labels):
            wrong.append({"id": c["id"], "labels": c["labels"], "got": ranked,
                          "text": c["text"]})
    latencies.sort()
    n = len(chosen)
    return {
        "split": split, "complaints": n, "load_seconds": round(loaded, 3),
        "top1": round(top1 / n, 3), "top3": round(top3 / n, 3),
        "ms_median": round(statistics.median(latencies), 2),
        "ms_p95": round(latencies[min(n - 1, int(n * 0.95))], 2),
        "ms_max": round(latencies[-1], 2),
        "targets": TARGETS,
        **({"misses": wrong} if misses else {}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["held", "tune", "all"], default="held")
    parser.add_argument("--misses", action="store_true",
                        help="list the complaints answered wrongly (tuning split only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.misses and args.split != "tune":
        parser.error("--misses only with --split tune: the held-aside third is not looked at")
    result = run(args.split, args.misses)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"duty who on {result['complaints']} complaints ({result['split']}), "
          f"sample county loaded in {result['load_seconds']} s")
    print(f"  top-1 {result['top1']:.1%} (target {TARGETS['top1']:.0%}), "
          f"top-3 {result['top3']:.1%} (target {TARGETS['top3']:.0%})")
    print(f"  per query: median {result['ms_median']} ms, p95 {result['ms_p95']} ms, "
          f"max {result['ms_max']} ms (target {TARGETS['ms']:.0f} ms)")
    for m in result.get("misses", []):
        print(f"  miss {m['id']} {'|'.join(m['labels'])} got {m['got']}: {m['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
