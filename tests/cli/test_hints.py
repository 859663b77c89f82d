"""Hints that lead somewhere: the field meant, the id meant, the county option where the
default county is in use, the nearest existing path; one code and exit status per mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.errors import did_you_mean
from engine.fileio import nearest_path
from tests.conftest import ROOT, run_cli

SAMPLE_PROPOSAL = ROOT / "duties" / "proposals" / "01-ebike-charging-coordination.yaml"


def test_a_misspelled_field_suggests_the_field(tmp_path: Path) -> None:
    data = yaml.safe_load(SAMPLE_PROPOSAL.read_text(encoding="utf-8"))
    data["item"]["categroy"] = data["item"].pop("category")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = run_cli("evaluate", path)
    assert run.code == 1
    assert "[E-SCHEMA]" in run.stderr and "“category”" in run.stderr


def test_an_unpadded_id_suggests_the_padded_one() -> None:
    assert did_you_mean("S1", ["S01", "S15", "S10"]) == "您是否想写 “S01”？"
    assert did_you_mean("s3", ["S03", "S13"]) == "您是否想写 “S03”？"
    assert did_you_mean("S99", ["S09", "S01"]) == "您是否想写 “S09”？"  # spelling, as before


@pytest.mark.parametrize("command", [("lists", "build"), ("report", "staffing")])
def test_an_unknown_street_is_one_usage_error_everywhere(command: tuple[str, ...]) -> None:
    run = run_cli(*command, "--street", "S1")
    assert run.code == 2
    assert "[E-USAGE]" in run.stderr and "“S01”" in run.stderr
    assert "--county" in run.stderr  # the default county is in use: say how to name another


def test_an_unknown_street_in_a_named_county_does_not_mention_the_default(golden: Any) -> None:
    run = run_cli("lists", "build", "--county", ROOT / "duties" / "sample", "--street", "S1")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "“S01”" in run.stderr
    assert "--county" not in run.stderr  # no word of the default county
    golden("errors/cli_hints/unknown-street-in-a-named-county.txt",
           run.stderr.replace(str(ROOT), "<root>"))


def test_a_missing_file_names_the_nearest_existing_path() -> None:
    missing = ROOT / "duties" / "proposal" / SAMPLE_PROPOSAL.name
    assert nearest_path(missing) == SAMPLE_PROPOSAL
    run = run_cli("evaluate", missing)
    assert run.code == 1 and "[E-NOTFOUND]" in run.stderr
    assert str(SAMPLE_PROPOSAL) in run.stderr
    assert nearest_path(ROOT / "duties" / "sampel") == ROOT / "duties" / "sample"
    run = run_cli("lists", "build", "--county", ROOT / "duties" / "sampel")
    assert run.code == 1 and str(ROOT / "duties" / "sample") in run.stderr


def test_nothing_close_is_no_hint(tmp_path: Path) -> None:
    assert nearest_path(tmp_path / "zzzz" / "qqqq.yaml") == tmp_path
    assert nearest_path(Path("qqqq-nothing-like-it.yaml")) is None
