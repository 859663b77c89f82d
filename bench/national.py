"""National scale: every street's lists of a synthetic county, written to disk.

For each size a county directory is written by ``bench.county_gen`` (standard library only:
nothing of the engine makes the county it is timed on), in one of two shapes: ``shared``,
where streets fall into classes whose lists differ only by names, and ``varied``, where almost
every street's lists differ from every other's (the writers' worst case); compiled with ``duty
county compile`` (timed on its own), then ``duty lists build --all --format FMT`` runs in a
fresh process, ``RUNS`` times: load from the snapshot, the admitted proposals applied, every
list decided and written. Its wall time, CPU time and peak RSS are those of that process
alone, each with the machine's load average when it started. Beside the CSV figure, in the
same run, the floor: a plain ``csv`` writer writing the same rows to the same files
(``bench.csv_floor``), and the ratio of the two wall times, which carries from one machine to
another.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.county_gen import write_county

ITEMS = 340
SIZES = (1_000, 4_000, 38_000)
RUNS = 3
FLOOR = Path(__file__).with_name("csv_floor.py")


def load() -> float:
    """The machine's load average over the last minute."""
    return round(os.getloadavg()[0], 2)


def spread(values: list[float]) -> dict[str, float]:
    """Minimum, median and maximum."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


# A small process that runs the command and reports its rusage: a child forked from a large
# process would count that process's memory as its own peak (Linux records the peak of the
# memory it replaces at exec), so the command is started from this small one.
_RUNNER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read().decode()
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "code": os.waitstatus_to_exitcode(status),
                  "stderr": err}))
"""


def _measure(args: list[str]) -> dict[str, float]:
    """Run a command; its wall time, CPU time and peak RSS (MB) alone."""
    run = subprocess.run([sys.executable, "-c", _RUNNER, *args], capture_output=True,
                         text=True, check=True)
    figures = json.loads(run.stdout)
    if figures.pop("code") != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {figures['stderr']}")
    del figures["stderr"]
    return figures


def _floor(tree: Path, out: Path) -> dict[str, Any]:
    """The plain ``csv`` writer writing the tree's rows to the same files (its own process)."""
    run = subprocess.run([sys.executable, "-I", str(FLOOR), str(tree), str(out)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


SHAPES = {"shared": "街道按清单成类", "varied": "几乎每个街道的清单各不相同"}


def national_run(streets: int, items: int = ITEMS, formats: tuple[str, ...] = ("csv",),
                 runs: int = RUNS, shape: str = "shared") -> dict[str, Any]:
    duty = [sys.executable, "-m", "engine.cli"]
    work = Path(tempfile.mkdtemp(prefix="duty-national-"))
    try:
        county = work / "county"
        write_county(county, streets, items, varied=shape == "varied")
        compiled = {"load": load(), **_measure([*duty, "county", "compile", "--county",
                                                  str(county)])}
        out: dict[str, Any] = {
            "streets": streets, "items": items, "shape": shape,
            "admitted_proposals": len(list((county / "admitted").iterdir())),
            "yaml_mb": (county / "county.yaml").stat().st_size / 2**20, "compile": compiled}
        for fmt in formats:
            tree = work / f"lists-{fmt}"
            builds, floors = [], []
            for _ in range(runs):
                shutil.rmtree(tree, ignore_errors=True)
                os.sync()  # each run starts with the disk settled, not writing the last back
                builds.append({"load": load(), **_measure(
                    [*duty, "lists", "build", "--county", str(county), "--all",
                     "--format", fmt, "-o", str(tree)])})
                if fmt == "csv":  # the floor right after, in the same conditions
                    floor_dir = work / "floor"
                    os.sync()
                    floors.append({"load": load(), **_floor(tree, floor_dir)})
                    shutil.rmtree(floor_dir)
            figures: dict[str, Any] = {
                "runs": builds, "wall": spread([b["wall"] for b in builds]),
                "cpu": spread([b["cpu"] for b in builds]),
                "rss_mb": spread([b["rss_mb"] for b in builds]),
                "files": len(list((tree / "streets").iterdir()))}
            if floors:
                figures["rows"] = floors[0]["rows"]
                figures["floor"] = floors
                figures["floor_wall"] = spread([f["wall"] for f in floors])
                figures["ratio"] = spread([b["wall"] / f["wall"]
                                           for b, f in zip(builds, floors, strict=True)])
            out[fmt] = figures
            shutil.rmtree(tree, ignore_errors=True)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(run: dict[str, Any]) -> list[str]:
    """The run's lines as ``make bench`` prints them."""
    c = run["compile"]
    lines = [f"全国规模清单（合成县 {run['streets']:,} 个街道 × {run['items']} 个事项，"
             f"{SHAPES[run['shape']]}，"
             f"{run['admitted_proposals']} 个已准入申请，county.yaml {run['yaml_mb']:.1f} MB）："
             f"county compile 墙钟 {c['wall']:.1f} 秒，峰值内存 {c['rss_mb']:.0f} MB"
             f"（负载 {c['load']}）"]
    for fmt in ("csv", "xlsx", "md", "html"):
        if fmt not in run:
            continue
        f = run[fmt]
        w, cpu, rss = f["wall"], f["cpu"], f["rss_mb"]
        loads = "、".join(str(b["load"]) for b in f["runs"])
        line = (f"  lists build --all --format {fmt}（{f['files']:,} 个街道文件）：墙钟 最短/中位/"
                f"最长 {w['min']:.1f}/{w['median']:.1f}/{w['max']:.1f} 秒，CPU "
                f"{cpu['min']:.1f}/{cpu['median']:.1f}/{cpu['max']:.1f} 秒，峰值内存 "
                f"{rss['max']:.0f} MB（{len(f['runs'])} 次，开始时负载 {loads}）")
        if fmt != "csv" and "csv" in run:
            line += f"；与 CSV 之比（中位数）{w['median'] / run['csv']['wall']['median']:.2f}"
        lines.append(line)
        if "floor" in f:
            fw, r = f["floor_wall"], f["ratio"]
            loads = "、".join(str(x["load"]) for x in f["floor"])
            lines.append(
                f"    基准：普通 csv 写出同样的 {f['rows']:,} 行到同样的文件，墙钟 "
                f"{fw['min']:.1f}/{fw['median']:.1f}/{fw['max']:.1f} 秒（负载 {loads}）；"
                f"比值 {r['min']:.2f}/{r['median']:.2f}/{r['max']:.2f}")
    return lines


def growth(runs: list[dict[str, Any]]) -> list[str]:
    """Per shape, how the CSV wall time grew from the smallest county to the largest, beside
    how the streets grew (linear: the two ratios are equal)."""
    lines = []
    for shape in SHAPES:
        sized = sorted((r for r in runs if r["shape"] == shape and "csv" in r),
                       key=lambda r: r["streets"])
        if len(sized) < 2:
            continue
        small, large = sized[0], sized[-1]
        times = large["csv"]["wall"]["median"] / small["csv"]["wall"]["median"]
        lines.append(f"  增长（{SHAPES[shape]}，CSV 墙钟中位数）：街道 {small['streets']:,} → "
                     f"{large['streets']:,}（×{large['streets'] / small['streets']:.0f}），"
                     f"时间 ×{times:.1f}")
    return lines


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="national lists bench")
    parser.add_argument("--streets", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--formats", default="csv")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--shape", choices=list(SHAPES), default="shared")
    args = parser.parse_args()
    for n in args.streets.split(","):
        result = national_run(int(n), args.items, tuple(args.formats.split(",")), args.runs,
                              args.shape)
        print("\n".join(report(result)), flush=True)
