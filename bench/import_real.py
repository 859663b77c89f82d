"""Phase inference on real published rows (``tests/data/real_rows``, sources in SOURCES.md).

Each row was labelled by hand with its main phase, from its wording, before the importer ran;
every third row is held aside (留出). The rows are imported as published (the label columns
taken off) and once more without the power-type column (names and duty text alone). A row
counts when its main phase is among the inferred phases and the inferred phases need no power
beyond the one the main phase needs (no power the wording does not grant). “Report only” is
the share of rows whose phases are just 报告.

    python -m bench.import_real            # the figures, as text
    python -m bench.import_real --json
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.importing.catalogue import import_catalogue
from engine.loading.policy import load_policy

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "real_rows"
LABEL, HELD = "标注环节", "留出"
TYPE_COLUMNS = ("权力类型", "职权类型", "事项类型")
SERVICE_CATALOGUES = ("guangan_service.csv",)
TARGET_FOUND, TARGET_REPORT = 0.90, 0.05


@dataclass(frozen=True)
class Outcome:
    file: str
    row: int
    held: bool
    label: str
    phases: tuple[str, ...]
    right: bool


def run_file(path: Path, drop_types: bool = False) -> list[Outcome]:
    """Import one labelled file (without its label columns) and judge each row."""
    with path.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    header, rows = table[0], table[1:]
    drop = {LABEL, HELD, *(TYPE_COLUMNS if drop_types else ())}
    keep = [i for i, h in enumerate(header) if h not in drop]
    powers = load_policy(["baseline"]).parameters.phase_powers
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        with copy.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([header[i] for i in keep])
            writer.writerows([[r[i] for i in keep] for r in rows])
        report = import_catalogue(copy).report
    inferred = {i.row: tuple(i.value.split("、")) for i in report.inferred
                if i.field == "phases"}
    out = []
    for number, r in enumerate(rows, 2):
        label = r[header.index(LABEL)]
        phases = inferred.get(number, ())
        allowed = {powers[label]} if label in powers else set()
        extra = {powers[p] for p in phases if p in powers} - allowed
        out.append(Outcome(path.name, number, r[header.index(HELD)] == "是", label, phases,
                           label in phases and not extra))
    return out


def share(rows: list[Outcome]) -> float:
    return sum(o.right for o in rows) / len(rows) if rows else 0.0


def report_only(rows: list[Outcome]) -> float:
    return sum(o.phases == ("report",) for o in rows) / len(rows) if rows else 0.0


def measure() -> dict[str, object]:
    files = sorted(DATA.glob("*.csv"))
    published = [o for p in files for o in run_file(p)]
    names_only = [o for p in files for o in run_file(p, drop_types=True)]
    service = [o for o in published if o.file in SERVICE_CATALOGUES]
    service_names = [o for o in names_only if o.file in SERVICE_CATALOGUES]
    return {
        "rows": len(published),
        "files": {p.name: share([o for o in published if o.file == p.name]) for p in files},
        "found": share(published),
        "found_tuning": share([o for o in published if not o.held]),
        "found_held_out": share([o for o in published if o.held]),
        "found_names_only": share(names_only),
        "found_names_only_held_out": share([o for o in names_only if o.held]),
        "report_only_service": report_only(service),
        "report_only_service_names_only": report_only(service_names),
        "misses": [f"{o.file}:{o.row} {o.label} → {'、'.join(o.phases)}"
                   for o in published + names_only if not o.right],
        "targets": {"found": TARGET_FOUND, "report_only_service": TARGET_REPORT},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    print(f"real rows: {figures['rows']} labelled rows from {len(figures['files'])} files")
    for name, value in figures["files"].items():  # type: ignore[attr-defined]
        print(f"  {name}: {value:.1%}")
    print(f"main phase found, no power not granted: {figures['found']:.1%} "
          f"(tuning {figures['found_tuning']:.1%}, held out {figures['found_held_out']:.1%}; "
          f"target ≥ {TARGET_FOUND:.0%})")
    print(f"  without the power-type column: {figures['found_names_only']:.1%} "
          f"(held out {figures['found_names_only_held_out']:.1%})")
    print(f"report only on the service catalogue: {figures['report_only_service']:.1%} "
          f"(names only {figures['report_only_service_names_only']:.1%}; "
          f"target ≤ {TARGET_REPORT:.0%})")
    for miss in figures["misses"]:  # type: ignore[attr-defined]
        print(f"  miss {miss}")


if __name__ == "__main__":
    main()
