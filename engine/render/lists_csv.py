"""Lists as CSV: UTF-8 with a byte-order mark so that Excel opens Chinese text correctly.

One table: the header row first (no title rows, so that spreadsheets filter and sort it and
`duty import catalogue` reads it back), then each street's three lists, and the catalogue
items that do not apply to the street (清单 “不适用”, with the reason)."""

from __future__ import annotations

import io

from engine.models.lists import StreetLists
from engine.render.cellsafe import csv_writer
from engine.render.lists_table import flat_cells, flat_columns

BOM = "\ufeff"


def head(with_rules: bool = False) -> str:
    """The header line (no header needs quoting)."""
    return ",".join(c.title for c in flat_columns(with_rules)) + "\r\n"


def streets_csv(streets: list[StreetLists], names: dict[str, str],
                with_rules: bool = False) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf)  # formulas neutralised, text within Excel's limit
    buf.write(head(with_rules))
    for s in streets:
        for kind in ("basic", "cooperative", "recalled"):
            for i, row in enumerate(getattr(s, kind), 1):
                writer.writerow(flat_cells(s.street, s.name, i, row, names, with_rules))
        for i, absent in enumerate(s.not_applying, 1):
            writer.writerow(flat_cells(s.street, s.name, i, absent, names, with_rules))
    return BOM + buf.getvalue()
