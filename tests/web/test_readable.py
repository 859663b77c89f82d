"""Pages people can read, in the test's own process: the preview is the evaluation the office
will see and agrees with ``duty evaluate``; verdicts and states carry their own words and tones
(a return is not a rejection); no page shows an identifier or an English word of a known list."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
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
