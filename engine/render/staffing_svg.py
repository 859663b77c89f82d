"""The staffing report's chart: load against capacity for every street, as plain SVG.

Drawn from the report alone (no scripts, no fonts or styles fetched from anywhere), with
fixed geometry so the same report gives the same bytes.
"""

from __future__ import annotations

from html import escape

from engine.staffing.report import StaffingReport

ROW = 26
LABEL_W = 150
BAR_W = 520
TOP = 56
RIGHT = 150


def render_chart(report: StaffingReport) -> str:
    streets = report.streets
    height = TOP + ROW * len(streets) + 40
    width = LABEL_W + BAR_W + RIGHT
    scale_max = max([1, *(s.capacity_days or 0 for s in streets),
                     *(s.load_days for s in streets)])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(report.county)}各街道工作量与承接能力</title>',
        '<style>text { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; '
        'font-size: 12px; fill: #111; } .cap { fill: #d9e4f2; } .load { fill: #2f5d95; } '
        '.over { fill: #b03a2e; } .axis { stroke: #888; stroke-width: 1; }</style>',
        f'<text x="8" y="20" style="font-size:15px">{escape(report.county)}'
        '：清单工作量与承接能力（人日/年）</text>',
        f'<rect class="cap" x="{LABEL_W}" y="30" width="14" height="10"/>'
        f'<text x="{LABEL_W + 18}" y="39">承接能力</text>'
        f'<rect class="load" x="{LABEL_W + 90}" y="30" width="14" height="10"/>'
        f'<text x="{LABEL_W + 108}" y="39">清单工作量</text>'
        f'<rect class="over" x="{LABEL_W + 196}" y="30" width="14" height="10"/>'
        f'<text x="{LABEL_W + 214}" y="39">超出承接能力</text>',
    ]
    for i, s in enumerate(streets):
        y = TOP + i * ROW
        cap = s.capacity_days or 0
        cap_w = round(BAR_W * cap / scale_max)
        load_w = round(BAR_W * s.load_days / scale_max)
        over = cap > 0 and s.load_days > cap
        share = f"{s.load_percent}%" if s.load_percent is not None else "未设承接能力"
        out += [
            f'<g class="street" data-street="{escape(s.street)}">',
            f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(s.name)}</text>',
            f'<rect class="cap" x="{LABEL_W}" y="{y + 2}" width="{cap_w}" height="18"/>',
            f'<rect class="{"over" if over else "load"}" x="{LABEL_W}" y="{y + 6}" '
            f'width="{load_w}" height="10"/>',
            f'<text x="{LABEL_W + max(cap_w, load_w) + 6}" y="{y + 15}">'
            f'{s.load_days:,} / {cap:,}（{share}）</text>',
            "</g>",
        ]
    axis_y = TOP + ROW * len(streets) + 4
    out += [
        f'<line class="axis" x1="{LABEL_W}" y1="{TOP - 4}" x2="{LABEL_W}" y2="{axis_y}"/>',
        f'<line class="axis" x1="{LABEL_W}" y1="{axis_y}" x2="{LABEL_W + BAR_W}" '
        f'y2="{axis_y}"/>',
        f'<text x="{LABEL_W}" y="{axis_y + 16}">0</text>',
        f'<text x="{LABEL_W + BAR_W}" y="{axis_y + 16}" text-anchor="end">{scale_max:,}</text>',
        "</svg>",
    ]
    return "\n".join(out) + "\n"
