"""Start-up: ``duty --help`` and ``duty evaluate`` of one sample proposal, each in a fresh
process, repeated; the minimum and the median wall time."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "duties" / "proposals" / "01-ebike-charging-coordination.yaml"


def _duty() -> list[str]:
    """The console script beside this interpreter (as users run it), else the module."""
    script = Path(sys.executable).with_name("duty")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def startup(runs: int = 15) -> dict[str, dict[str, float]]:
    out = {}
    for name, args in (("help", ["--help"]), ("evaluate", ["evaluate", str(PROPOSAL)])):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*_duty(), *args], check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        out[name] = {"min": min(times), "median": statistics.median(times), "runs": runs}
    return out


if __name__ == "__main__":
    for name, t in startup().items():
        print(f"{name}: min {t['min']:.3f} s, median {t['median']:.3f} s")
