"""Pages people can read, in the test's own process: the preview is the evaluation the office
will see and agrees with ``duty evaluate``; verdicts and states carry their own words and tones
(a return is not a rejection); no page shows an identifier or an English word of a known list."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from engine.labels import STATE_TONES, VERDICT_TONES, label, when
from tests.conftest import ROOT, proposal, run_cli, write_yaml
from tests.web.inprocess import web_site

SAMPLES = ROOT / "duties" / "proposals"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with web_site(tmp_path_factory.mktemp("readable")) as login:
        yield login


def _preview(client: Any, path: Path) -> str:
    with path.open("rb") as f:
        reply = client.post("/proposals/new/", {"do": "preview", "upload": f,
                                                "mode": "hand_over", "urgency": "normal",
                                                "funding": "0", "staff": "0",
                                                "item_kind": "new"})
    assert reply.status_code == 200, reply.content.decode()[-2000:]
    return reply.content.decode()


def _evaluate(path: Path, db: str) -> dict[str, Any]:
    out = run_cli("evaluate", path, "--format", "json", "--db", db)
    assert out.code == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("sample", ["01-ebike-charging-coordination.yaml",
                                    "04-sewage-outfall-assist-unfunded.yaml",
                                    "05-sanitary-city-task-force.yaml"])
def test_preview_agrees_with_duty_evaluate(site: Any, sample: str) -> None:
    """The samples have passed the legal review, heard every street in agreement and been
    decided by the meeting: what the review takes for granted. Both doors give one result."""
    import os

    page = _preview(site("fire"), SAMPLES / sample)
    expected = _evaluate(SAMPLES / sample, os.environ["DUTY_DB"])
    verdict = re.search(r'data-verdict="([a-z_]+)">([^<]+)<', page)
    assert verdict is not None
    assert verdict.groups() == (expected["verdict"], label(expected["verdict"]))
    cells = re.findall(r'<td>([^<]+)</td><td class="t-[a-z]+">([^<]+)</td>', page)
    assert cells == [(s["name"], label(s["verdict"])) for s in expected["streets"]]
    rules = re.findall(r"（规则 ([A-Z0-9-]+)）", page)
    assert rules == [f["rule"] for f in expected["findings"]]


def test_a_complete_funded_proposal_is_previewed_as_the_review_will_see_it(
        site: Any, tmp_path: Path) -> None:
    """A new proposal has no legal review, opinions or meeting yet: the preview takes them as
    going well, as the review does, so a complete funded proposal is admitted with its funds."""
    path = write_yaml(tmp_path / "p.yaml", proposal(
        id="P-FUNDED", legal_review="pending", hearing=None, meeting=None,
        streets=["S01", "S02"], resources={"funding": 30000, "staff": 0,
                                           "powers_delegated": []}))
    page = _preview(site("fire"), path)
    assert 'data-verdict="returned"' not in page
    assert "无经费转移" not in page and "30,000 元/年" in page


def test_a_return_is_not_a_rejection() -> None:
    assert VERDICT_TONES["returned"] != VERDICT_TONES["rejected"]
    assert STATE_TONES["returned"] != STATE_TONES["rejected"]
    assert label("returned") == "退回补正" and label("rejected") == "不予准入"


def test_dates_as_people_write_them() -> None:
    assert when("2026-12-07T09:41:00+08:00") == "2026年12月7日 09:41"
    assert when("2026-03-02") == "2026年3月2日"
    assert when(None) == "—"


# English words a page must not show: the process's states, verdicts, modes, opinions, roles
ENGLISH = {
    "admitted", "admitted_with_conditions", "rejected", "returned", "deferred",
    "not_applicable", "hand_over", "entrust", "assist", "agree", "agree_with_conditions",
    "object", "draft", "submitted", "office_review", "legal_review", "hearing", "deliberation",
    "provisional", "withdrawn", "published", "pending", "passed", "failed", "department",
    "street", "office", "justice", "county", "admin", "comprehensive", "specialist",
    "assisting", "basic", "cooperative", "recalled", "normal", "temporary", "emergency",
    "review", "decision", "publication", "admit", "recall", "revise", "None", "True", "False",
}


class _Text(HTMLParser):
    """The text a reader sees: not scripts, styles or attributes, nor the names people log in
    with (``class="account"``: chosen by the county, not the engine's identifiers)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = tag in ("script", "style") or ("class", "account") in attrs
        if hidden or (tag == "span" and self.skip):  # a span inside a hidden one counts too
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") or (tag == "span" and self.skip):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _shown(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def _identifiers() -> set[str]:
    from engine.api import county_workspace

    county = county_workspace(None).county
    return {*county.departments, *county.streets, *ENGLISH,
            *(u for d in county.departments.values() for u in getattr(d, "units", {}) or {})}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with web_site(tmp_path_factory.mktemp("demo"), demo=True) as login:
        yield login


PAGES = {
    None: ["/login/"],
    "fire": ["/", "/proposals/", "/proposals/new/", "/lists/", "/password/"],
    "street": ["/role/"],
    "s03": ["/", "/proposals/", "/lists/?street=S03", "/staffing/"],
    "office": ["/", "/proposals/", "/lists/", "/lists/diff/", "/overview/", "/audit/",
               "/audit/?verify=1", "/staffing/", "/staffing/?street=S02"],
    "justice": ["/", "/proposals/"],
    "county": ["/", "/proposals/", "/overview/"],
    "urban": ["/", "/proposals/new/"],
    "admin": ["/accounts/", "/accounts/new/", "/accounts/import/", "/accounts/user/fire/",
              "/accounts/user/street/"],
}


def test_every_page_shows_names_not_identifiers(demo_site: Any) -> None:
    from engine.web.demo import play  # noqa: F401 (the demonstration's proposals are there)

    known = _identifiers()
    found: dict[str, set[str]] = {}
    office = demo_site("office")
    pids = re.findall(r'href="/proposals/(P-[0-9-]+)/"', office.get("/proposals/").content
                      .decode())
    assert len(set(pids)) >= 8
    pages = [(who, path) for who, paths in PAGES.items() for path in paths]
    pages += [(who, f"/proposals/{pid}/") for pid in sorted(set(pids))
              for who in ("office", "county")]
    for who, path in pages:
        reply = demo_site(who).get(path)
        assert reply.status_code == 200, (who, path, reply.status_code)
        text = _shown(reply.content.decode())
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_:]*", text))
        bad = {w for w in words if w in known or w.split(":")[0] in known}
        bad |= set(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text))  # ISO times
        if bad:
            found[f"{who} {path}"] = bad
    assert not found, "\n".join(f"{k}: {sorted(v)}" for k, v in found.items())


def test_form_errors_in_chinese_next_to_their_field(site: Any) -> None:
    good = {"id": "P-FORM-1", "title": "标题", "mode": "hand_over", "urgency": "normal",
            "funding": "0", "staff": "0", "item_kind": "new", "department": "fire_rescue",
            "do": "preview"}
    for field, value in (("id", "坏 编号"), ("funding", "-1"), ("mode", "nonsense")):
        reply = site("fire").post("/proposals/new/", {**good, field: value})
        assert reply.status_code == 400
        block = reply.content.decode().split(f'id="field-{field}"', 1)[1].split("</div>", 1)[0]
        errors = re.findall(r'<p class="field-error">([^<]*)</p>', block)
        assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors), (field, block)
        assert not re.search(r"[A-Za-z]{4,}", " ".join(errors).replace(value, "")), errors


def _audit(client: Any, **query: str) -> tuple[int, str]:
    reply = client.get("/audit/", query)
    return reply.status_code, reply.content.decode()


def test_audit_page_pages_filters_and_checks_a_pasted_anchor(demo_site: Any) -> None:
    import os

    office = demo_site("office")
    status, page = _audit(office)
    assert status == 200
    assert os.environ["DUTY_DB"] not in page and str(Path(os.environ["DUTY_DB"]).parent) \
        not in page  # no path of the server
    total = int(re.search(r"记录（共 (\d+) 条", page).group(1))
    assert total > 50 and 'id="next-page"' in page  # more than a page: paged
    seqs = [int(x) for x in re.findall(r"<tr><td>(\d+)</td>", page)]
    assert len(seqs) == 50 and seqs == sorted(seqs, reverse=True)
    second = _audit(office, page="2")[1]
    assert int(re.findall(r"<tr><td>(\d+)</td>", second)[0]) == seqs[-1] - 1
    only = _audit(office, proposal="P-2026-012")[1]
    linked = re.findall(r'<td><a href="/proposals/([^/]+)/">', only)
    assert linked and set(linked) == {"P-2026-012"}
    anchor = re.search(r"第 1 版（[^）]*）：<code>(\d+:[0-9a-f]{64}:[0-9a-f]{16})</code>",
                       page).group(1)
    status, checked = _audit(office, verify="1", anchor=anchor)
    assert status == 200 and "审计记录完好" in checked and "含粘贴的锚点" in checked
    seq, mac, key = anchor.split(":")
    wrong = f"{seq}:{'0' * 64 if mac != '0' * 64 else '1' * 64}:{key}"
    status, refused = _audit(office, verify="1", anchor=wrong)
    assert status == 200 and "审计记录有问题" in refused and f"第 {seq} 条" in refused
    status, bad = _audit(office, verify="1", anchor="not an anchor")
    assert status == 400 and "审计记录" in bad
    block = bad.split('id="field-anchor"', 1)[1].split("</div>", 1)[0]
    assert "锚点格式不对" in block
    assert demo_site("fire").get("/audit/").status_code == 404


@pytest.mark.parametrize(("account", "expected"), [
    ("office", {"P-2026-001", "P-2026-019"}), ("justice", {"P-2026-003"}),
    ("county", {"P-2026-002"}), ("s03", {"P-2026-006"}), ("fire", set())])
def test_header_counts_what_awaits_the_role(demo_site: Any, account: str,
                                            expected: set[str]) -> None:
    page = demo_site(account).get("/").content.decode()
    count = re.search(r'<span class="count" id="todo-count"[^>]*>(\d+)</span>', page)
    assert count is not None and int(count.group(1)) == len(expected)
    table = page.split('id="todo"', 1)[1].split("</table>", 1)[0] if expected else ""
    assert set(re.findall(r'href="/proposals/([^/]+)/"', table)) == expected


def test_staffing_report_per_street_with_its_chart(demo_site: Any) -> None:
    from engine.api import county_workspace

    streets = county_workspace(None).county.streets
    office = demo_site("office").get("/staffing/").content.decode()
    chart = office.split('id="staffing-chart"', 1)[1].split("</figure>", 1)[0]
    assert chart.lstrip(">").startswith("<svg")
    assert all(st.name in chart for st in streets.values())
    assert office.count('<section class="street"') == len(streets)
    own = demo_site("s03").get("/staffing/").content.decode()
    assert re.findall(r'id="street-([^"]+)"', own) == ["S03"]
    assert streets["S01"].name not in own.split('id="staffing-chart"', 1)[1]
    assert demo_site("s03").get("/staffing/?street=S01").status_code == 404
    assert demo_site("fire").get("/staffing/").status_code == 404


def test_a_street_that_has_spoken_has_nothing_left_to_do(demo_site: Any) -> None:
    """In the demonstration, S01 has given its opinion on P-2026-006 and S02 has not."""
    client = demo_site("street")
    waiting = {}
    for sid in ("S01", "S02"):
        assert client.post("/role/", {"role": f"street:{sid}"}).status_code == 302
        page = client.get("/").content.decode()
        waiting[sid] = set(re.findall(r'href="/proposals/([^/]+)/"',
                                      page.split('id="todo"', 1)[1].split("</table>", 1)[0])
                           if 'id="todo"' in page else [])
    assert "P-2026-006" not in waiting["S01"] and "P-2026-006" in waiting["S02"]


def test_downloads_of_a_published_version_are_built_once_and_carry_an_etag(
        demo_site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from engine.web.views import lists as lists_view

    built: list[str] = []
    render = lists_view.render_lists

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[2])
        return render(*args, **kwargs)

    monkeypatch.setattr(lists_view, "render_lists", counting)
    lists_view._DOWNLOADS.clear()
    office = demo_site("office")
    path = "/lists/download/?version=1&street=S02&format=xlsx"
    first = office.get(path)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    again = office.get(path)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert office.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert built == ["xlsx"]  # rendered once
    # the cached file is still checked against the role: another street's is not found
    assert demo_site("s03").get(path).status_code == 404
    sheet = load_workbook(io.BytesIO(first.content)).worksheets[0]
    assert "清单版本：第 1 版" in sheet["A1"].value and "审计锚点：" in sheet["A1"].value
    assert "审计锚点：—" not in sheet["A1"].value


def _post_data(initial: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as a browser posts them (unchecked boxes left out)."""
    return {k: v for k, v in initial.items()
            if not (v is None or v is False or v == [] or v == "")}


def test_a_return_opens_the_form_filled_with_what_was_submitted(demo_site: Any) -> None:
    from engine.web.forms import initial_from
    from engine.web.runtime import service
    from engine.workflow import queries

    pid = "P-2026-004"  # returned to the ecology bureau in the demonstration
    ecology = demo_site("ecology")
    page = ecology.get(f"/proposals/{pid}/").content.decode()
    assert f'href="/proposals/new/?from={pid}"' in page
    form = ecology.get(f"/proposals/new/?from={pid}").content.decode()
    document = queries.submitted(service().store, pid)
    assert 'id="prefilled"' in form and f'value="{pid}"' in form
    assert f'value="{document["title"]}"' in form
    for sid in document["streets"]:
        assert re.search(rf'<input type="checkbox" name="streets" value="{sid}"[^>]*checked',
                         form), sid
    for phase in document["item"]["phases"]:
        assert re.search(rf'name="phases" value="{phase}"[^>]*checked', form), phase
    assert demo_site("fire").get(f"/proposals/new/?from={pid}").status_code == 404
    assert demo_site("ecology").get("/proposals/new/?from=P-2026-010").status_code == 404

    data = _post_data(initial_from(document))
    data.update({"funding": "20000", "domain": "生态环境", "do": "submit"})
    reply = ecology.post("/proposals/new/", data)
    assert reply.status_code == 302, re.findall(r"error[^>]*>([^<]+)<", reply.content.decode())
    from engine.workflow.queries import Reader

    again = Reader(service(), None).show(pid)
    assert (again.state, again.revision) == ("submitted", 2)
    stored = queries.submitted(service().store, pid)
    assert stored["resources"]["funding"] == 20000 and stored["item"]["domain"] == "生态环境"
    # the rest as submitted before (the file's own legal review, opinions and meeting are not
    # the form's: the process keeps its records of those)
    kept = ("resources", "item", "legal_review", "hearing", "meeting")
    assert {k: v for k, v in stored.items() if k not in kept} == \
        {k: v for k, v in document.items() if k not in kept}
    assert {k: v for k, v in stored["item"].items() if k != "domain"} == \
        {k: v for k, v in document["item"].items() if k != "domain"}


def test_reviewers_see_the_whole_item(demo_site: Any) -> None:
    from engine.labels import label as zh
    from engine.web.runtime import service
    from engine.workflow import queries

    pid = "P-2026-003"  # awaiting the legal review in the demonstration
    document = queries.submitted(service().store, pid)
    for who in ("justice", "office", "county"):
        page = demo_site(who).get(f"/proposals/{pid}/").content.decode()
        content = page.split('id="content"', 1)[1].split("</dl>", 1)[0]
        item = document["item"]
        assert item["name"] in content and item["legal_basis"] in content
        assert all(zh(p) in content for p in item["phases"])
        assert f"{document['resources']['funding']:,} 元" in content
