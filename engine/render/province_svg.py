"""The province views' charts as plain SVG, in the style of the staffing chart: fixed geometry,
no scripts, nothing fetched, the same result giving the same bytes."""

from __future__ import annotations

from html import escape

from engine.province.views import Comparison, LoadReport
from engine.render.province_text import who

ROW = 26
LABEL_W = 170
BAR_W = 520
TOP = 56
RIGHT = 170
STYLE = ('<style>text { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; '
         'font-size: 12px; fill: #111; } .cap { fill: #d9e4f2; } .load { fill: #2f5d95; } '
         '.over { fill: #b03a2e; } .mark { stroke: #b03a2e; stroke-width: 1; '
         'stroke-dasharray: 4 3; } .mid { stroke: #555; stroke-width: 1; } '
         '.axis { stroke: #888; stroke-width: 1; }</style>')


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>', STYLE,
        f'<text x="8" y="20" style="font-size:15px">{escape(title)}</text>']


def _axis(bottom: int, right_label: str) -> list[str]:
    return [
        f'<line class="axis" x1="{LABEL_W}" y1="{TOP - 4}" x2="{LABEL_W}" y2="{bottom}"/>',
        f'<line class="axis" x1="{LABEL_W}" y1="{bottom}" x2="{LABEL_W + BAR_W}" '
        f'y2="{bottom}"/>',
        f'<text x="{LABEL_W}" y="{bottom + 16}">0</text>',
        f'<text x="{LABEL_W + BAR_W}" y="{bottom + 16}" text-anchor="end">'
        f'{escape(right_label)}</text>', "</svg>"]


def render_compare_chart(c: Comparison) -> str:
    """Each county's basic share as a bar, the median and the outlier threshold as lines."""
    rows = c.counties
    bottom = TOP + ROW * len(rows) + 4
    out = _open(LABEL_W + BAR_W + RIGHT, bottom + 30,
                f"{who(c)}各县区基本履职事项占比")
    out.append(f'<rect class="load" x="{LABEL_W}" y="30" width="14" height="10"/>'
               f'<text x="{LABEL_W + 18}" y="39">基本履职占比</text>'
               f'<rect class="over" x="{LABEL_W + 110}" y="30" width="14" height="10"/>'
               f'<text x="{LABEL_W + 128}" y="39">离群县区</text>')
    for i, s in enumerate(rows):
        y = TOP + i * ROW
        w = round(BAR_W * s.basic_share)
        out += [
            f'<g class="county" data-county="{escape(s.county)}">',
            f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(s.name)}</text>',
            f'<rect class="{"over" if s.outlier else "load"}" x="{LABEL_W}" y="{y + 4}" '
            f'width="{w}" height="14"/>',
            f'<text x="{LABEL_W + w + 6}" y="{y + 15}">{100 * s.basic_share:.1f}%</text>',
            "</g>"]
    mid_x = LABEL_W + round(BAR_W * c.median)
    out.append(f'<line class="mid" x1="{mid_x}" y1="{TOP - 4}" x2="{mid_x}" y2="{bottom}"/>'
               f'<text x="{mid_x + 4}" y="{TOP - 6}">中位数 {100 * c.median:.1f}%</text>')
    if c.threshold is not None:
        x = LABEL_W + round(BAR_W * min(c.threshold, 1.0))
        out.append(f'<line class="mark" x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{bottom}"/>'
                   f'<text x="{x + 4}" y="{bottom - 4}">离群阈值 {100 * c.threshold:.1f}%</text>')
    return "\n".join(out + _axis(bottom, "100%")) + "\n"


def render_load_chart(r: LoadReport) -> str:
    """Every county's streets: load against capacity, grouped under the county's name."""
    lines = [(c, s) for c in r.counties for s in [None, *c.streets]]
    bottom = TOP + ROW * len(lines) + 4
    scale = max([1, *(s.capacity_days or 0 for c in r.counties for s in c.streets),
                 *(s.load_days for c in r.counties for s in c.streets)])
    out = _open(LABEL_W + BAR_W + RIGHT, bottom + 30,
                f"{who(r)}各县区街道清单工作量与承接能力（人日/年）")
    out.append(f'<rect class="cap" x="{LABEL_W}" y="30" width="14" height="10"/>'
               f'<text x="{LABEL_W + 18}" y="39">承接能力</text>'
               f'<rect class="load" x="{LABEL_W + 90}" y="30" width="14" height="10"/>'
               f'<text x="{LABEL_W + 108}" y="39">清单工作量</text>'
               f'<rect class="over" x="{LABEL_W + 196}" y="30" width="14" height="10"/>'
               f'<text x="{LABEL_W + 214}" y="39">超出承接能力</text>')
    for i, (c, s) in enumerate(lines):
        y = TOP + i * ROW
        if s is None:
            out.append(f'<text x="8" y="{y + 15}" style="font-weight:bold">'
                       f'{escape(c.name)}</text>')
            continue
        cap = s.capacity_days or 0
        cap_w, load_w = round(BAR_W * cap / scale), round(BAR_W * s.load_days / scale)
        share = f"{s.load_percent}%" if s.load_percent is not None else "未设承接能力"
        out += [
            f'<g class="street" data-county="{escape(c.county)}" '
            f'data-street="{escape(s.street)}">',
            f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(s.name)}</text>',
            f'<rect class="cap" x="{LABEL_W}" y="{y + 2}" width="{cap_w}" height="18"/>',
            f'<rect class="{"over" if s.over else "load"}" x="{LABEL_W}" y="{y + 6}" '
            f'width="{load_w}" height="10"/>',
            f'<text x="{LABEL_W + max(cap_w, load_w) + 6}" y="{y + 15}">'
            f'{s.load_days:,} / {cap:,}（{share}）</text>', "</g>"]
    return "\n".join(out + _axis(bottom, f"{scale:,}")) + "\n"
