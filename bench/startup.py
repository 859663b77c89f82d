"""Start-up: ``duty --help`` and ``duty evaluate`` of one sample proposal, each in a fresh
process, repeated; the minimum, median and maximum wall time, and of the CPU time the
process used (which a busy machine disturbs less), with the machine's load average when the
runs began. Beside them, in the same run and the same way, the floor: ``python -c pass`` with
the same interpreter, and each command's ratio to it (median to median), which carries from
one machine to another.

Timed as an installed package runs: with its modules' bytecode cached. One untimed run of
each command first writes the cache (``PYTHONDONTWRITEBYTECODE`` is lifted for these runs),
so a checkout whose bytecode is stale is not charged for compiling it on every run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "duties" / "proposals" / "01-ebike-charging-coordination.yaml"
COMMANDS = {"help": ["--help"], "evaluate": ["evaluate", str(PROPOSAL)]}
FLOOR = [sys.executable, "-c", "pass"]


def _duty() -> list[str]:
    """The console script beside this interpreter (as users run it), else the module."""
    script = Path(sys.executable).with_name("duty")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def startup(runs: int = 15) -> dict[str, dict[str, float]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = {}
    commands = {"floor": FLOOR, **{k: [*_duty(), *v] for k, v in COMMANDS.items()}}
    for name, command in commands.items():
        _run(command, env)
        loadavg = round(os.getloadavg()[0], 2)
        walls, cpus = zip(*(_run(command, env) for _ in range(runs)), strict=True)
        out[name] = {"min": min(walls), "median": statistics.median(walls), "max": max(walls),
                     "cpu_min": min(cpus), "cpu_median": statistics.median(cpus),
                     "cpu_max": max(cpus), "runs": runs, "load": loadavg}
    for name in COMMANDS:
        out[name]["ratio"] = out[name]["median"] / out["floor"]["median"]
    return out


def report(figures: dict[str, dict[str, float]]) -> list[str]:
    """The lines ``make bench`` prints."""
    labels = {"floor": "python -c pass（基准）", "help": "duty --help",
              "evaluate": "duty evaluate（一个示例申请）"}
    lines = []
    for name, t in figures.items():
        ratio = f"；与基准之比（中位数）{t['ratio']:.1f}" if "ratio" in t else ""
        lines.append(f"启动：{labels[name]} 墙钟 最短/中位/最长 {t['min']:.3f}/{t['median']:.3f}/"
                     f"{t['max']:.3f} 秒，CPU {t['cpu_min']:.3f}/{t['cpu_median']:.3f}/"
                     f"{t['cpu_max']:.3f} 秒（{t['runs']} 次，负载 {t['load']}）{ratio}")
    return lines


if __name__ == "__main__":
    print("\n".join(report(startup())))
