"""Lists as CSV: UTF-8 with a byte-order mark so that Excel opens Chinese text correctly."""

from __future__ import annotations

import io

from engine.models.lists import StreetLists
from engine.render.cellsafe import csv_writer
from engine.render.lists_table import HEADERS, LIST_TITLES, cells

BOM = "\ufeff"
HEAD = ",".join(["街道编号", "街道", "清单", *HEADERS]) + "\r\n"  # no header needs quoting


def streets_csv(streets: list[StreetLists], names: dict[str, str]) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf)  # formulas neutralised, text within Excel's limit
    writer.writerow(["街道编号", "街道", "清单", *HEADERS])
    for s in streets:
        for kind in ("basic", "cooperative", "recalled"):
            for i, row in enumerate(getattr(s, kind), 1):
                writer.writerow([s.street, s.name, LIST_TITLES[kind], *cells(i, row, names)])
    return BOM + buf.getvalue()
