"""Lists in a chosen format: one document, or one file per street and department plus an index."""

from __future__ import annotations

import json
from html import escape

from engine.models.lists import CountyLists
from engine.render.department_csv import departments_csv
from engine.render.escape import link_target, md_inline
from engine.render.json_out import dumps
from engine.render.lists_csv import streets_csv
from engine.render.lists_html import lists_html
from engine.render.lists_index import index_csv, index_xlsx
from engine.render.lists_md import county_md

FORMATS = ("md", "html", "csv", "xlsx", "json")
BINARY = ("xlsx",)


def render_lists(lists: CountyLists, names: dict[str, str], fmt: str,
                 source: str | None = None) -> str | bytes:
    """The lists as one document; ``source`` says which published version they are and its
    audit anchor (Markdown, HTML and JSON documents carry it)."""
    if fmt == "md":
        head = f"> {md_inline(source)}\n\n" if source else ""
        return head + county_md(lists, names)
    if fmt == "html":
        page = lists_html(lists, names)
        if source:
            page = page.replace("<body>\n", f'<body>\n<p class="source">{escape(source)}</p>\n', 1)
        return page
    if fmt == "csv":
        if lists.departments and not lists.streets:
            return departments_csv(lists.departments, names)
        return streets_csv(lists.streets, names)
    if fmt == "xlsx":
        from engine.render.lists_xlsx import lists_xlsx  # openpyxl only for workbooks

        return lists_xlsx(lists, names)
    if source:
        return dumps({"source": source, **lists.model_dump(mode="json")})
    return dumps(lists)


def render_tree(lists: CountyLists, names: dict[str, str], fmt: str) -> dict[str, str | bytes]:
    """``streets/ID.fmt`` and ``departments/ID.fmt`` for every street and department, and an
    index listing them."""
    files: dict[str, str | bytes] = {}
    entries: list[tuple[str, str, str]] = []
    for s in lists.streets:
        part = lists.model_copy(update={"streets": [s], "departments": []})
        path = f"streets/{s.street}.{fmt}"
        files[path] = render_lists(part, names, fmt)
        entries.append(("街道", s.name, path))
    for d in lists.departments:
        part = lists.model_copy(update={"streets": [], "departments": [d]})
        path = f"departments/{d.department}.{fmt}"
        files[path] = render_lists(part, names, fmt)
        entries.append(("部门", d.name, path))
    files.update([index_file(lists.county, entries, fmt)])
    return files


def index_file(county: str, entries: list[tuple[str, str, str]],
               fmt: str) -> tuple[str, str | bytes]:
    """The index of a tree of list files: (kind, name, path) entries in order, in the tree's
    format (JSON for a tree of JSON files)."""
    if fmt == "md":
        lines = [f"# {md_inline(county)}履行职责事项清单", ""]
        lines += [f"- {kind}：[{md_inline(name)}]({link_target(path)})"
                  for kind, name, path in entries]
        return "index.md", "\n".join(lines) + "\n"
    if fmt == "html":
        items = "".join(f'<li>{kind}：<a href="{escape(link_target(path))}">{escape(name)}</a></li>'
                        for kind, name, path in entries)
        title = escape(f"{county}履行职责事项清单")
        return "index.html", (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                              f"<title>{title}</title></head><body><h1>{title}</h1>"
                              f"<ol>{items}</ol></body></html>\n")
    if fmt == "csv":
        return "index.csv", index_csv(entries)
    if fmt == "xlsx":
        return "index.xlsx", index_xlsx(county, entries)
    return "index.json", json.dumps(
        {"county": county, "files": [{"kind": k, "name": n, "path": p}
                                     for k, n, p in entries]},
        ensure_ascii=False, indent=2) + "\n"
