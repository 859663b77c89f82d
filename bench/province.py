"""The province views over synthetic counties built in memory (no store, no YAML): the
comparison, the load view and the reference check for ``--counties`` counties of ``--streets``
streets and ``--items`` items each, wall time and peak memory.

Run: ``python -m bench.province`` (defaults: 100 counties × 20 streets × 340 items, the
issue's synthetic province). Loading county directories is not timed: it is the same
per-county load as ``duty lists build``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from bench.synthetic import synthetic_workspace
from engine.province.counties import CountyEntry, Province
from engine.province.reference import load_reference
from engine.province.views import check, compare, load


def province_run(counties: int, streets: int, items: int) -> dict[str, float | int]:
    started = time.perf_counter()
    entries = [CountyEntry(f"c{i:03d}", Path(f"c{i:03d}"),
                           synthetic_workspace(streets, items, seed=i))
               for i in range(counties)]
    built = time.perf_counter()
    province = Province("合成省", entries)
    compared = compare(province)
    after_compare = time.perf_counter()
    load(province)
    after_load = time.perf_counter()
    catalogue, shown = load_reference()
    check(province, catalogue, shown)
    after_check = time.perf_counter()
    return {
        "counties": counties, "streets": streets, "items": items,
        "workspaces_s": round(built - started, 2),
        "compare_s": round(after_compare - built, 2),  # each view builds every county's lists
        "load_s": round(after_load - after_compare, 2),
        "check_s": round(after_check - after_load, 2),
        "outliers": len(compared.outliers),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--items", type=int, default=340)
    args = parser.parse_args(argv)
    print(json.dumps(province_run(args.counties, args.streets, args.items), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
