"""The web page comparing two published versions shows each changed field's value before and
after, as `duty lists diff` does (rendered without a server: the page's own template)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from tests.conftest import MINI, ROOT, write_yaml

TEMPLATES = ROOT / "engine" / "web" / "templates"


def _page(context: dict[str, object]) -> str:
    from django.template import Context, Engine

    from engine.store.config import ensure_django

    ensure_django()  # the command line's settings; the page's template needs no more
    engine = Engine(loaders=[
        ("django.template.loaders.locmem.Loader",
         {"web/base.html": "{% block content %}{% endblock %}"}),
        ("django.template.loaders.filesystem.Loader", [str(TEMPLATES)])],
        libraries={"duty": "engine.web.templatetags.duty"})
    return engine.get_template("web/diff.html").render(Context(context))


def test_diff_page_shows_old_and_new_values(tmp_path: Path) -> None:
    from engine.api import county_workspace
    from engine.lists.build import build_lists
    from engine.lists.diff import diff_lists
    from engine.web.views.lists import diff_rows

    after = tmp_path / "after"
    shutil.copytree(MINI, after)
    data = yaml.safe_load((after / "county.yaml").read_text(encoding="utf-8"))
    items = {i["id"]: i for i in data["items"]}
    items["CG-001"]["category"] = "specialist"
    items["MZ-001"]["funding"] = 30000
    write_yaml(after / "county.yaml", data)
    old, new = county_workspace(MINI), county_workspace(after)
    changes = diff_lists(build_lists(old), build_lists(new), (old.names, new.names))
    html = _page({"diff": changes, "old": 0, "new": 1, "versions": [],
                  "rows": diff_rows(changes)})
    assert html.count("<tr>") == 1 + len(changes.changes)
    assert ('<span class="what">经费</span> <del>区民政局每年拨付20,000元</del> → '
            "<ins>区民政局每年拨付30,000元</ins>") in html
    assert "<del>基本履职事项清单</del> → <ins>配合履职事项清单</ins>" in html
    assert "<del>东门街道</del> → <ins>区城市管理局</ins>" in html
    totals = re.search(r"经费 ([\d,]+) → ([\d,]+) 元/年", html)
    assert totals and all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in totals.groups())
    assert int(totals[2].replace(",", "")) > 999  # written with thousands separators
