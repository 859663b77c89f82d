"""Lists in a chosen format: one document, or one file per street and department plus an index."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from engine.models.lists import CountyLists, DepartmentList, ListSource, StreetLists
from engine.render.department_csv import departments_csv
from engine.render.escape import link_target, md_inline
from engine.render.json_out import dumps
from engine.render.lists_csv import streets_csv
from engine.render.lists_html import index_html, lists_html
from engine.render.lists_index import index_csv, index_xlsx
from engine.render.lists_md import county_md
from engine.render.lists_table import Kept

FORMATS = ("md", "html", "csv", "xlsx", "json")
BINARY = ("xlsx",)


def render_lists(lists: CountyLists, names: dict[str, str], fmt: str,
                 source: ListSource | None = None, with_rules: bool = False,
                 kept: Kept | None = None) -> str | bytes:
    """The lists as one document. ``source`` says which published version they are (None:
    a draft from the county directory): Markdown, HTML and the workbook print it as each
    street's and department's title block, JSON as ``source``. ``with_rules`` adds the
    catalogue codes and rule ids to the tables (JSON always has them). ``kept`` keeps the
    Markdown or HTML of rows shown again (see ``lists_table.Kept``)."""
    if fmt == "md":
        return county_md(lists, names, source, with_rules, kept)
    if fmt == "html":
        return lists_html(lists, names, source, with_rules, kept)
    if fmt == "csv":
        if lists.departments and not lists.streets:
            return departments_csv(lists.departments, names, with_rules)
        return streets_csv(lists.streets, names, with_rules)
    if fmt == "xlsx":
        from engine.render.lists_xlsx import lists_xlsx  # openpyxl only for workbooks

        return lists_xlsx(lists, names, with_rules, source)
    return dumps({"source": (source or ListSource()).model_dump(mode="json"),
                  **lists.model_dump(mode="json")})


def render_tree(lists: CountyLists, names: dict[str, str], fmt: str,
                source: ListSource | None = None,
                with_rules: bool = False) -> dict[str, str | bytes]:
    """``streets/ID.fmt`` and ``departments/ID.fmt`` for every street and department, and an
    index listing them."""
    return dict(tree_files(lists, lists.streets, lists.departments, names, fmt, source,
                           with_rules))


def tree_files(shell: CountyLists, streets: Iterable[StreetLists],
               departments: Iterable[DepartmentList], names: dict[str, str], fmt: str,
               source: ListSource | None = None,
               with_rules: bool = False) -> Iterator[tuple[str, str | bytes]]:
    """``render_tree``'s files one at a time, from the streets' and departments' lists given
    one at a time (``shell``: the county and policy they belong to): the streets' files, the
    departments' and the index last."""
    entries: list[tuple[str, str, str]] = []
    counts: dict[str, tuple[int, int, int]] = {}
    for s in streets:
        part = shell.model_copy(update={"streets": [s], "departments": []})
        path = f"streets/{s.street}.{fmt}"
        yield path, render_lists(part, names, fmt, source, with_rules)
        entries.append(("街道", s.name, path))
        counts[path] = (len(s.basic), len(s.cooperative), len(s.recalled))
    for d in departments:
        part = shell.model_copy(update={"streets": [], "departments": [d]})
        path = f"departments/{d.department}.{fmt}"
        yield path, render_lists(part, names, fmt, source, with_rules)
        entries.append(("部门", d.name, path))
    yield index_file(shell.county, entries, fmt, counts)


def index_file(county: str, entries: list[tuple[str, str, str]], fmt: str,
               counts: dict[str, tuple[int, int, int]] | None = None
               ) -> tuple[str, str | bytes]:
    """The index of a tree of list files, in the tree's format (JSON for a tree of JSON
    files): (kind, name, path) entries in order; ``counts`` gives a street file's rows in its
    basic, cooperative and recalled lists (by path)."""
    if fmt == "md":
        lines = [f"# {md_inline(county)}履行职责事项清单", ""]
        lines += [f"- {kind}：[{md_inline(name)}]({link_target(path)})"
                  for kind, name, path in entries]
        return "index.md", "\n".join(lines) + "\n"
    if fmt == "html":
        return "index.html", index_html(county, entries, counts or {}, link_target)
    if fmt == "csv":
        return "index.csv", index_csv(entries)
    if fmt == "xlsx":
        return "index.xlsx", index_xlsx(county, entries)
    return "index.json", json.dumps(
        {"county": county, "files": [{"kind": k, "name": n, "path": p}
                                     for k, n, p in entries]},
        ensure_ascii=False, indent=2) + "\n"
