"""The floor the national CSV figure is measured against: a plain ``csv`` writer writing the
same rows to the same files.

Run as ``python -I bench/csv_floor.py TREE OUT`` (standard library only). For every CSV file
under ``TREE`` (as ``duty lists build --all --format csv`` wrote it) the rows are read, then
written with ``csv.writer`` to the same relative path under ``OUT``, one file at a time. Only
the writing is timed (opening, ``writerows``, closing): what any program that had these rows
in hand would spend putting them on disk in one process. Prints JSON: the wall time and the
CPU time of the writing, the files and the rows; the files written equal the tree's, byte for
byte (checked on every file).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time


def floor(tree: str, out: str) -> dict[str, float]:
    wall = cpu = 0.0
    files = rows = 0
    made: set[str] = set()
    for dirpath, _, names in sorted(os.walk(tree)):
        for name in sorted(names):
            if not name.endswith(".csv"):
                continue
            src = os.path.join(dirpath, name)
            dst = os.path.join(out, os.path.relpath(src, tree))
            parent = os.path.dirname(dst)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            with open(src, encoding="utf-8", newline="") as f:
                data = list(csv.reader(f))
            w0, c0 = time.perf_counter(), time.process_time()
            with open(dst, "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\r\n").writerows(data)
            wall += time.perf_counter() - w0
            cpu += time.process_time() - c0
            files += 1
            rows += len(data)
            with open(src, "rb") as a, open(dst, "rb") as b:
                if a.read() != b.read():
                    raise SystemExit(f"the floor wrote other bytes than the tree: {src}")
    return {"wall": wall, "cpu": cpu, "files": files, "rows": rows}


if __name__ == "__main__":
    print(json.dumps(floor(sys.argv[1], sys.argv[2])))
