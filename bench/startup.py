"""Start-up: ``duty --help`` and ``duty evaluate`` of one sample proposal, each in a fresh
process, repeated; the minimum and the median wall time, and of the CPU time the process
used (which a busy machine disturbs less).

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


def _duty() -> list[str]:
    """The console script beside this interpreter (as users run it), else the module."""
    script = Path(sys.executable).with_name("duty")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([*_duty(), *args], stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"duty {' '.join(args)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def startup(runs: int = 15) -> dict[str, dict[str, float]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = {}
    for name, args in COMMANDS.items():
        _run(args, env)
        walls, cpus = zip(*(_run(args, env) for _ in range(runs)), strict=True)
        out[name] = {"min": min(walls), "median": statistics.median(walls),
                     "cpu_min": min(cpus), "cpu_median": statistics.median(cpus), "runs": runs}
    return out


if __name__ == "__main__":
    for name, t in startup().items():
        print(f"{name}: wall min {t['min']:.3f} s, median {t['median']:.3f} s; CPU min "
              f"{t['cpu_min']:.3f} s, median {t['cpu_median']:.3f} s ({t['runs']} runs)")
