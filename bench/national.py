"""National scale: every street's lists of a synthetic county, written to CSV on disk.

For each size a county directory is written (``county.yaml``, and ``admitted/`` proposals that
add items to some streets and take items back from others), compiled with
``duty county compile`` (timed on its own), then ``duty lists build --all --format csv``
runs in a fresh process: load from the snapshot, the admitted proposals applied, every list
decided and written. Its wall time, CPU time and peak RSS are those of that process alone.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.synthetic import national_county

ITEMS = 340
SIZES = (1_000, 4_000, 38_000)


def write_county(directory: Path, streets: int, items: int, seed: int = 7) -> None:
    """The synthetic county as a county directory. ``county.yaml`` is written as JSON (a
    subset of YAML) because it is quicker to write; the loader reads it as any YAML."""
    county = national_county(streets, items, seed)
    data = {
        "schema_version": 1, "name": county.name, "policy": county.policy,
        "departments": [d.model_dump() for d in county.departments.values()],
        "streets": [s.model_dump() for s in county.streets.values()],
        "units": [u.model_dump() for u in county.units.values()],
        "items": [i.model_dump(exclude_defaults=True) for i in county.items.values()],
    }
    directory.mkdir(parents=True)
    text = json.dumps(data, ensure_ascii=False)
    (directory / "county.yaml").write_text(text, encoding="utf-8")
    # a national county is far beyond the default reading limits: it raises them, as a county
    # office would (values: at most one per two bytes of JSON)
    size = len(text.encode("utf-8"))
    (directory / "limits.yaml").write_text(
        f"schema_version: 1\nmax_bytes: {max(size + 1, 4 << 20)}\n"
        f"max_nodes: {max(size // 2, 100_000)}\n", encoding="utf-8")
    admitted = directory / "admitted"
    admitted.mkdir()
    rng = random.Random(seed)
    ids = list(county.streets)
    for n, item in enumerate(county.items.values()):
        if item.recalled or rng.random() > 0.08:
            continue
        listed = ids if item.streets == "all" else item.streets
        if item.streets != "all":  # admit the item to some streets that lack it
            change, pool = "admit", sorted(set(ids) - set(item.streets))
        else:  # take it back from some streets
            change, pool = "recall", listed
        chosen = sorted(rng.sample(pool, max(1, len(pool) // 100)))
        proposal: dict[str, Any] = {
            "schema_version": 1, "id": f"P-{change}-{n:04d}", "title": f"{item.name}调整",
            "department": item.department, "streets": chosen, "change": change,
            "item": {"ref": item.id}, "work_plan": True, "legal_review": "passed",
            "hearing": dict.fromkeys(chosen, "agree"),
            "meeting": {"body": "县政府常务会议", "ref": f"2026-{n}", "decided": True},
        }
        if change == "admit":
            proposal["mode"] = "assist"
            proposal["resources"] = {"funding": item.funding, "staff": 0,
                                     "powers_delegated": []}
        (admitted / f"{n:04d}.yaml").write_text(json.dumps(proposal, ensure_ascii=False),
                                                encoding="utf-8")


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


def national_run(streets: int, items: int = ITEMS) -> dict[str, Any]:
    duty = [sys.executable, "-m", "engine.cli"]
    work = Path(tempfile.mkdtemp(prefix="duty-national-"))
    try:
        county = work / "county"
        write_county(county, streets, items)
        compiled = _measure([*duty, "county", "compile", "--county", str(county)])
        out = work / "lists"
        built = _measure([*duty, "lists", "build", "--county", str(county), "--all",
                          "--format", "csv", "-o", str(out)])
        files = list((out / "streets").iterdir())
        rows = sum(f.read_bytes().count(b"\r\n") - 1 for f in files)
        return {"streets": streets, "items": items, "files": len(files), "rows": rows,
                "admitted_proposals": len(list((county / "admitted").iterdir())),
                "yaml_mb": (county / "county.yaml").stat().st_size / 2**20,
                "compile": compiled, "build": built}
    finally:
        shutil.rmtree(work, ignore_errors=True)
