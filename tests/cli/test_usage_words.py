"""The command line speaks Chinese: the library's usage errors, ids given by Chinese name, and
a Chinese name given where an identifier is expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import by_name, known_id
from engine.cli_words import message_words
from engine.errors import ChoiceError
from tests.conftest import MINI, run_cli

# the command line, the usage it shows (None: none), its error's case and the values it names
USAGE = [
    (["lists", "build", "--format", "foo"], "duty lists build [选项]", "not-a-choice",
     ["--format", "“foo”", "md、html、csv、xlsx、json"]),
    (["proposal", "hear"], "duty proposal hear [选项]", "missing-argument", ["pid"]),
    (["lists", "build", "--forma", "md"], "duty lists build [选项]", "no-such-option",
     ["--forma", "--force, --format"]),
    (["lists", "build", "--street"], None, "option-needs-a-value", ["--street"]),
    (["lst"], "duty [选项] 命令 [参数]...", "no-such-command", ["“lst”", "“lists”"]),
    (["lists", "build", "a", "b"], "duty lists build [选项]", "extra-arguments", ["a b"]),
    (["lists", "build", "--version", "x"], "duty lists build [选项]", "not-an-integer",
     ["'--version'"]),
    (["scenario", "run", "--fail-under", "200"], "duty scenario run [选项]", "above-maximum",
     ["'--fail-under'", "100"]),
]


@pytest.mark.parametrize(("args", "usage", "case", "values"), USAGE,
                         ids=[case for _, _, case, _ in USAGE])
def test_usage_errors_in_chinese(args: list[str], usage: str | None, case: str,
                                 values: list[str], golden: Any) -> None:
    run = run_cli(*args)
    assert run.code == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert "[E-USAGE]" in lines[-1]
    for value in values:
        assert value in lines[-1], (value, lines[-1])
    if usage is not None:
        assert usage in lines[0] and f"“{usage.split(' [')[0]} --help”" in lines[1]
    else:
        assert len(lines) == 1
    assert not any(w in run.stderr for w in ("Error", "Usage", "Missing", "Invalid", "No such"))
    golden(f"errors/cli_usage_words/{case}.txt", run.stderr)


def test_a_chinese_name_for_an_identifier_suggests_the_identifier(golden: Any) -> None:
    run = run_cli("proposal", "hear", "P-1", "--street", "S01", "--opinion", "同意")
    assert run.code == 2
    last = run.stderr.splitlines()[-1]
    assert "[E-USAGE]" in last and "--opinion" in last
    assert last.index("“同意”") < last.rindex("agree")  # the suggestion closes the line
    golden("errors/cli_usage_words/chinese-name-for-an-option-value.txt", run.stderr)
    words = message_words("Invalid value for '--x': 'specialis' is not one of 'specialist', "
                          "'assisting'.")
    assert words.endswith("“specialist”？")  # the suggestion closes the message
    golden("errors/cli_usage_words/click-choice-with-a-suggestion.txt", words + "\n")


def test_a_category_written_in_chinese_in_a_file(tmp_path: Path, golden: Any) -> None:
    county = tmp_path / "county"
    county.mkdir()
    data = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    data["items"][0]["category"] = "协助管理"
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    run = run_cli("check", "--county", county)
    assert run.code == 1
    assert "[E-SCHEMA]" in run.stderr and "items[0].category" in run.stderr
    assert "“协助管理”" in run.stderr and "assisting" in run.stderr
    golden("errors/cli_usage_words/chinese-name-for-a-category-in-a-file.txt", run.stderr)


def test_ids_by_chinese_name() -> None:
    by_id = run_cli("lists", "build", "--street", "S01", "--format", "json")
    by_name = run_cli("lists", "build", "--street", "解放路街道", "--format", "json")
    assert by_name.code == 0 and by_name.stdout == by_id.stdout
    dept = run_cli("lists", "build", "--department", "区民政局", "--format", "json")
    assert dept.code == 0 and dept.stdout == run_cli(
        "lists", "build", "--department", "civil_affairs", "--format", "json").stdout
    staffing = run_cli("report", "staffing", "--street", "柳林镇", "--format", "json")
    assert staffing.code == 0 and staffing.stdout == run_cli(
        "report", "staffing", "--street", "S10", "--format", "json").stdout


def test_an_unknown_or_ambiguous_name(tmp_path: Path, golden: Any) -> None:
    run = run_cli("lists", "build", "--street", "解放路")
    assert run.code == 2 and run.stderr.count("[E-USAGE]") == 1
    assert "--street" in run.stderr and "“解放路”" in run.stderr
    assert "“解放路街道”" in run.stderr and "--county" in run.stderr
    golden("errors/cli_usage_words/unknown-street-name.txt", run.stderr)
    county = tmp_path / "county"
    county.mkdir()
    data = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    data["streets"][1]["name"] = data["streets"][0]["name"]
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    name = data["streets"][0]["name"]
    run = run_cli("lists", "build", "--county", county, "--street", name)
    assert run.code == 2 and "[E-USAGE]" in run.stderr
    assert f"“{name}”" in run.stderr and "S01、S02" in run.stderr
    golden("errors/cli_usage_words/ambiguous-street-name.txt", run.stderr)


def test_the_engine_names_the_field_and_the_command_line_its_option(golden: Any) -> None:
    known = {"S01": "解放路街道", "S02": "解放路街道", "S03": "柳林镇"}
    with pytest.raises(ChoiceError) as unknown:
        known_id("柳林", known, "街道", "street", sample_county=True)
    error = unknown.value
    assert (error.field, error.value, error.reason, error.sample_county) == (
        "street", "柳林", "unknown", True)
    assert error.code == "E-USAGE" and error.hint is not None and "“柳林镇”" in error.hint
    assert "“柳林”" in error.message
    golden("errors/cli_usage_words/engine-unknown-street.txt", error.render() + "\n")
    with pytest.raises(ChoiceError) as ambiguous:
        by_name("解放路街道", known, "街道", "street")
    assert (ambiguous.value.reason, ambiguous.value.matches) == ("ambiguous", ["S01", "S02"])
    assert "--" not in ambiguous.value.render()
