"""`duty who`: a complaint ranked against a street's lists, with parties and citations, from
the county directory or from a store's latest published version; bad input refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import county_workspace
from engine.errors import NoListsError, NotFoundError, QueryError
from engine.paths import sample_county
from engine.who.answer import MAX_QUERY, Who, check_query
from tests.conftest import MINI, run_cli


@pytest.fixture(scope="module")
def who() -> Who:
    return Who(county_workspace())


def test_answer_has_parties_per_phase_list_and_citations(who: Who) -> None:
    answer = who.answer("外卖电动车推进楼道里飞线充电", "解放路街道", top=3)
    assert answer.street == "S01" and answer.confident and answer.source is None
    best = answer.matches[0]
    assert best.item == "XF-002" and best.list == "basic"
    assert best.lead is not None and best.lead.id == "S01"
    assert {p.phase for p in best.phases} == set(
        county_workspace().county.items["XF-002"].phases)
    assert all(p.party.id == "S01" for p in best.phases)
    assert best.rules and all(r.citation for r in best.rules)
    assert [m.rank for m in answer.matches] == list(range(1, len(answer.matches) + 1))
    assert [m.score for m in answer.matches] == sorted(
        (m.score for m in answer.matches), reverse=True)


def test_cooperating_item_names_the_department_side(who: Who) -> None:
    answer = who.answer("统计执法检查 统计违法行为", "S01", top=1)
    best = answer.matches[0]
    assert best.item == "TJ-003" and best.lead is not None and best.lead.kind != "street"
    assert any(p.party.kind != "street" for p in best.phases)


def test_items_not_on_the_street_are_not_offered(who: Who) -> None:
    # 农村宅基地 items apply to towns only: a city street never gets them
    answer = who.answer("农村宅基地申请", "S01", top=10)
    assert all(not m.item.startswith("NY-00") or m.item not in ("NY-002", "NY-004")
               for m in answer.matches)
    town = who.answer("农村宅基地申请", "S10", top=1)
    assert town.matches[0].item == "NY-002"


def test_nothing_matching_says_so_and_names_a_department(who: Who) -> None:
    answer = who.answer("天上的星星为什么会眨眼", "S01")
    assert not answer.confident and answer.matches == [] and answer.suggestion is None
    # on a city street, 宅基地 is off its lists but the catalogue knows whose it is
    off = who.answer("宅基地审批", "S01")
    assert not off.confident
    assert off.suggestion is not None and off.suggestion.department == "agriculture"


def test_empty_and_huge_queries_refused() -> None:
    for text in ("", "   \n"):
        with pytest.raises(QueryError) as err:
            check_query(text)
        assert err.value.reason == "empty" and err.value.code == "E-QUERY"
    assert check_query("噪" * MAX_QUERY) == "噪" * MAX_QUERY
    with pytest.raises(QueryError) as err:
        check_query("噪" * (MAX_QUERY + 1))
    assert (err.value.reason, err.value.length, err.value.maximum) == (
        "too-long", MAX_QUERY + 1, MAX_QUERY)


def test_unknown_street_suggests_the_nearest(who: Who, golden: Any) -> None:
    with pytest.raises(NotFoundError) as err:
        who.answer("噪音", "解放街道")
    assert err.value.kind == "street" and err.value.name == "解放街道"
    assert err.value.code == "E-NOTFOUND" and "解放路街道" in (err.value.hint or "")
    golden("errors/who/unknown-street.txt", err.value.render() + "\n")


def test_cli_text_and_json() -> None:
    run = run_cli("who", "外卖电动车在楼道充电", "--street", "S01", "--top", "2")
    assert run.code == 0, run.stderr
    assert "XF-002" in run.stdout and "依据：" in run.stdout and "环节：" in run.stdout
    run = run_cli("who", "外卖电动车在楼道充电", "--street", "解放路街道", "--format", "json")
    data = json.loads(run.stdout)
    assert set(data) == {"query", "street", "street_name", "source", "confident", "matches",
                         "suggestion"}
    assert set(data["matches"][0]) >= {"item", "lead", "cooperating", "phases", "rules",
                                       "list", "legal_basis"}


@pytest.mark.parametrize(("args", "code", "error"), [
    (("",), 2, "[E-QUERY]"),
    (("噪" * (MAX_QUERY + 1),), 2, "[E-QUERY]"),
    (("噪音", "--street", "解放街道"), 2, "[E-NOTFOUND]"),
    (("噪音", "--street", "S01", "--top", "0"), 2, ""),
])
def test_cli_bad_input(args: tuple[str, ...], code: int, error: str) -> None:
    if "--street" not in args:
        args = (*args, "--street", "S01")
    run = run_cli("who", *args)
    assert run.code == code and run.stdout == "" and "Traceback" not in run.stderr
    assert error in run.stderr


def test_county_without_lists(tmp_path: Path) -> None:
    county = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    county["items"] = []
    (tmp_path / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True),
                                          encoding="utf-8")
    with pytest.raises(NoListsError) as err:
        Who(county_workspace(tmp_path))
    assert err.value.street is None and err.value.code == "E-NOLISTS"
    run = run_cli("who", "噪音", "--street", "S01", "--county", tmp_path)
    assert run.code == 1 and "[E-NOLISTS]" in run.stderr and run.stdout == ""


def test_vocabulary_naming_an_unknown_item(tmp_path: Path, golden: Any) -> None:
    county = tmp_path / "county"
    shutil.copytree(sample_county(), county)
    (county / "synonyms.yaml").write_text(
        "schema_version: 1\nitems:\n  XF-0011: [楼道堆物]\n", encoding="utf-8")
    run = run_cli("who", "噪音", "--street", "S01", "--county", county)
    assert run.code == 1 and "[E-REF]" in run.stderr and "synonyms.yaml:3" in run.stderr
    assert "“XF-0011”" in run.stderr and "“XF-001”" in run.stderr
    golden("errors/who/vocabulary-naming-an-unknown-item.txt", run.stderr)


def test_vocabulary_words_reach_the_ranking(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(sample_county(), county)
    (county / "synonyms.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    before = Who(county_workspace(county)).answer("夜市小贩", "S01", top=1)
    assert not before.matches or before.matches[0].item != "CG-002"
    (county / "synonyms.yaml").write_text(
        "schema_version: 1\nitems:\n  CG-002: [小贩, 夜市]\n", encoding="utf-8")
    after = Who(county_workspace(county)).answer("夜市小贩", "S01", top=1)
    assert after.matches[0].item == "CG-002" and "小贩" in after.matches[0].terms


def test_answers_from_the_latest_published_version(flow) -> None:  # type: ignore[no-untyped-def]
    def who() -> dict:  # type: ignore[type-arg]
        run = run_cli("who", "无物业小区消防通道没人巡查", "--street", "S01", "--county", MINI,
                      "--db", flow.db, "--format", "json")
        assert run.code == 0, run.stderr
        return json.loads(run.stdout)  # type: ignore[no-any-return]

    before = who()
    assert before["source"]["version"] == 0
    assert all(m["item"] != "P-T-100" for m in before["matches"])
    pid = flow.to_admitted()
    assert all(m["item"] != "P-T-100" for m in who()["matches"])  # admitted, not published
    flow.publish(pid)
    after = who()
    assert after["source"]["version"] == 1
    best = after["matches"][0]
    assert (best["item"], best["proposal"]) == ("P-T-100", "P-T-100")
    assert best["phases"] and best["rules"]
