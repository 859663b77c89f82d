"""The staffing and burden report as text, Markdown or one self-contained HTML page."""

from __future__ import annotations

from html import escape

from engine.render.staffing_svg import render_chart
from engine.render.table import table
from engine.staffing.report import LimitRow, StaffingReport, StreetStaffing
from engine.vocab import label

POST_LABELS = {"administrative": "行政编制", "institutional": "事业编制",
               "logistics": "后勤编制", "finance_office": "财政所编制"}


def _profile(s: StreetStaffing) -> str:
    parts = [label(s.kind), f"常住人口 {s.population:,}", f"面积 {s.area_km2:,g} 平方公里"]
    if s.revenue is not None:
        parts.append(f"财政收入 {s.revenue:,g} 万元")
    if s.size_tier:
        parts.append(label(s.size_tier))
    if s.town_class is not None:
        parts.append(f"{s.town_class} 类")
    return "，".join(parts)


def _bodies(s: StreetStaffing) -> str:
    return "、".join(b.name + (f"（挂{'、'.join(b.functions)}牌子）"
                               if b.functions else "") for b in s.bodies) or "（未登记）"


def _post_rows(s: StreetStaffing) -> list[list[str]]:
    rows = []
    for p in s.posts:
        if p.posts == 0 and not p.quota:
            continue
        over = p.quota is not None and p.posts > p.quota
        rows.append([POST_LABELS[p.kind], f"{p.posts}{'（超出核定）' if over else ''}",
                     "—" if p.quota is None else str(p.quota)])
    return rows


def _load(s: StreetStaffing) -> str:
    if s.capacity_days is None:
        return f"清单工作量 {s.load_days:,} 人日/年（规则包未设承接能力）"
    verdict = "，超出承接能力" if s.load_days > s.capacity_days else ""
    return (f"清单工作量 {s.load_days:,} 人日/年，承接能力 {s.capacity_days:,} 人日/年"
            f"（{s.load_percent}%{verdict}）")


def _staff(s: StreetStaffing) -> str:
    extra = [f"在编实有 {s.actual} 人"]
    if s.assistant is not None:
        extra.append(f"主任助理 {s.assistant} 名")
    if s.non_establishment is not None:
        extra.append(f"编外 {s.non_establishment} 人")
    return "，".join(extra)


def _funds(s: StreetStaffing) -> str:
    """Funds received per department, each shortfall against the workload after it."""
    funds = "；".join(f"{f.name} {f.amount:,} 元" + (f"（缺口 {f.shortfall:,} 元）"
                                                    if f.shortfall else "") for f in s.funds)
    short = f"，经费缺口合计 {s.shortfall_total:,} 元/年" if s.shortfall_total else ""
    return f"{funds or '无'}（合计 {s.funds_total:,} 元/年{short}）"


def _limit(row: LimitRow) -> str:
    """A limit as one line: what, the value against the limit, the verdict and the source."""
    have = "未记录" if row.have is None else f"{row.have:g}"
    verdict = {True: "符合", False: "不符", None: "无法核对"}[row.ok]
    return f"{row.what} {have}（{row.allowed}，{verdict}；依据：{row.basis}）"


def _head(r: StaffingReport) -> list[str]:
    cap = (f"承接能力按 {r.year} 年 {r.working_days} 个工作日、可用比例 {r.usable_share:g} 计"
           if r.year else "规则包未设承接能力（capacity_year）")
    basis = {"class": "按乡镇类别核定", "factors": "按人口、面积、财政收入分档核定",
             None: "规则包未设编制模型"}[r.staffing_basis]
    return [f"{r.county}机构编制和工作负担", f"编制：{basis}；{cap}。"]


def render_text(r: StaffingReport) -> str:
    out = _head(r) + [f"县级目标：{_limit(row)}" for row in r.targets]
    for s in r.streets:
        out += ["", f"{s.street} {s.name}：{_profile(s)}", f"  机构：{_bodies(s)}",
                f"  人员：{_staff(s)}"]
        posts = _post_rows(s)
        if posts:
            out += table(["编制", "现有", "核定"], posts, indent="    ")
        out.append(f"  负担：{_load(s)}")
        out.append(f"  经费：{_funds(s)}")
        out += [f"  限额：{_limit(row)}" for row in s.limits]
        if s.top_items:
            out.append("  工作量最大的事项：")
            out += table(["事项", "名称", "清单", "人日/年"],
                         [[i.item, i.name, label(i.list), str(i.workload_days)]
                          for i in s.top_items], indent="    ")
    return "\n".join(out) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows)]


def render_md(r: StaffingReport) -> str:
    head = _head(r)
    out = [f"# {head[0]}", "", head[1], *(f"\n县级目标：{_limit(row)}" for row in r.targets)]
    for s in r.streets:
        out += ["", f"## {s.street} {s.name}", "", _profile(s), "", f"- 机构：{_bodies(s)}",
                f"- 人员：{_staff(s)}", f"- 负担：{_load(s)}",
                f"- 经费：{_funds(s)}", *(f"- 限额：{_limit(row)}" for row in s.limits)]
        posts = _post_rows(s)
        if posts:
            out += ["", *_md_table(["编制", "现有", "核定"], posts)]
        if s.top_items:
            out += ["", *_md_table(["事项", "名称", "清单", "人日/年"],
                                   [[i.item, i.name, label(i.list), str(i.workload_days)]
                                    for i in s.top_items])]
    return "\n".join(out) + "\n"


STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #111; margin: 0 auto; max-width: 900px; }
h1 { font-size: 16pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
table { border-collapse: collapse; margin: 4pt 0; }
th, td { border: 1px solid #888; padding: 2pt 6pt; text-align: left; }
th { background: #eee; } section { break-inside: avoid; }
"""


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    return ("<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
            + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                      for row in rows) + "</tbody></table>")


def render_html(r: StaffingReport) -> str:
    head = _head(r)
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(head[0])}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(head[0])}</h1>", f"<p>{escape(head[1])}</p>",
           *(f"<p>县级目标：{escape(_limit(row))}</p>" for row in r.targets),
           '<figure id="chart">', render_chart(r).rstrip("\n"), "</figure>"]
    for s in r.streets:
        out += [f'<section id="{escape(s.street)}">',
                f"<h2>{escape(s.street)} {escape(s.name)}</h2>",
                f"<p>{escape(_profile(s))}</p>", "<ul>",
                f"<li>机构：{escape(_bodies(s))}</li>", f"<li>人员：{escape(_staff(s))}</li>",
                f"<li>负担：{escape(_load(s))}</li>",
                f"<li>经费：{escape(_funds(s))}</li>",
                *(f"<li>限额：{escape(_limit(row))}</li>" for row in s.limits),
                "</ul>"]
        posts = _post_rows(s)
        if posts:
            out.append(_html_table(["编制", "现有", "核定"], posts))
        if s.top_items:
            out.append(_html_table(["事项", "名称", "清单", "人日/年"],
                                   [[i.item, i.name, label(i.list), str(i.workload_days)]
                                    for i in s.top_items]))
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "md": render_md, "html": render_html, "svg": render_chart}
