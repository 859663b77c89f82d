"""Server-rendered SVG bar charts (no script, no font fetched): the same data, the same bytes."""

from __future__ import annotations

from html import escape

PALETTE = ("#2f6f9f", "#c8733a", "#5a9a5a", "#8a5aa8", "#b8a13a", "#4a9aa8", "#a84a5a",
           "#6a6a6a")
ROW, LABEL_W, BAR_W, PAD = 26, 150, 420, 8


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-size="12" text-anchor="{anchor}" '
            f'fill="#222">{escape(text)}</text>')


def bars(title: str, rows: list[tuple[str, list[float]]], series: list[str],
         unit: str) -> str:
    """Horizontal bars, one row per label; several values per row are stacked, each series in
    its own colour, with a legend."""
    top = max((sum(v) for _, v in rows), default=0) or 1
    width = LABEL_W + BAR_W + 110
    keys, x, line = [], float(PAD), 0
    for i, name in enumerate(series if len(series) > 1 else []):
        step = 14 + 13 * len(name) + 12  # a swatch, the name (12px CJK), a gap
        if x + step > width - PAD and x > PAD:
            x, line = float(PAD), line + 1
        y = PAD + 22 + 18 * line
        keys.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" '
                    f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        keys.append(_text(x + 14, y + 9, name))
        x += step
    legend = 18 * (line + 1) + 2 if keys else 0
    height = PAD * 2 + 20 + legend + ROW * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>", _text(PAD, PAD + 12, title), *keys]
    y = PAD + 20 + legend
    for name, values in rows:
        out.append(_text(LABEL_W - 6, y + 17, name, "end"))
        x = float(LABEL_W)
        for i, value in enumerate(values):
            w = BAR_W * value / top
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{ROW - 10}" '
                           f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(name)} '
                           f'{escape(series[i])}：{value:,.0f}{escape(unit)}</title></rect>')
            x += w
        out.append(_text(x + 6, y + 17, f"{sum(values):,.0f}{unit}"))
        y += ROW
    out.append("</svg>")
    return "\n".join(out)
