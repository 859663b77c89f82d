"""Plain-text tables that line up with Chinese text (wide characters count as two columns)."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    cols = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return (indent + "  ".join(pad(c, w) for c, w in zip(cells, cols, strict=False))).rstrip()

    rule = indent + "  ".join("-" * w for w in cols)
    return [line(header), rule, *(line(r) for r in rows)]
