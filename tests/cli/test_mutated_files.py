"""Property: valid county, proposal and scenario files, mutated at random in their text or in
their data, never make the CLI crash. Whatever the input, the exit code is 0, 1 or 2, with no
traceback and no internal error."""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from tests.conftest import MINI, ROOT

PROPOSAL = (ROOT / "tests" / "fixtures" / "proposals" / "fire-patrol.yaml").read_text("utf-8")
COUNTY = (MINI / "county.yaml").read_text("utf-8")
SCENARIO = (ROOT / "scenarios" / "admission" / "street-objects-conditions.yaml").read_text("utf-8")

# Bounded, so the whole file runs in well under a minute on a slow two-core machine.
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TOKENS = ["&a ", "*a", "*b", "!!python/object:os.system ", "!!binary ", "<<: *a\n", "---\n",
          "? ", ": ", "- ", "[", "]", "{", "}", "\t", '"', "'", "|\n", ">-\n", "#", "%YAML 1.1\n",
          "9" * 40, "-1", "1.0e+999", ".nan", "2026-13-45", "~", "null", "yes", "0x1F", "0o17",
          "\x1b[2J", "\u202e", "\r", "\x00", "\ufeff", "\n  ", "    "]

VALUES = ["9" * 40, "-1", "1.0e+999", ".nan", ".inf", "2026-13-45", "2026-02-30", "~", "yes",
          "0x1F", "0o17", "190:20:30", "!!binary aGk=", "!!set {a, b}", "!!float x", "*a",
          "&a [1, *a]", "[[[[[[]]]]]]", "{}", "[]", '"\x1b[2J\u202e"', "|\n  x", ""]
# A value replaced in one `key: value` line, or text spliced in anywhere.
text_edit = st.one_of(
    st.tuples(st.just("value"), st.floats(0, 1), st.just(0), st.sampled_from(VALUES)),
    st.tuples(st.just("splice"), st.floats(0, 1), st.integers(0, 40),
              st.one_of(st.sampled_from(TOKENS), st.text(max_size=6))))
leaf = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20),
                 st.floats(allow_nan=True, allow_infinity=True),
                 st.text(max_size=20), st.sampled_from(["all", "S01", "CG-001", "fire_rescue",
                                                        "patrol", "specialist", "passed"]))
value = st.recursive(leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)
data_edit = st.tuples(st.lists(st.integers(0, 50), min_size=1, max_size=5),
                      st.sampled_from(["set", "delete", "add"]), value)


def mutate_text(text: str, edits: list[tuple[str, float, int, str]]) -> str:
    for how, where, cut, insert in edits:
        lines = text.split("\n")
        values = [i for i, line in enumerate(lines) if ": " in line]
        if how == "value" and values:
            i = values[int(where * (len(values) - 1))]
            lines[i] = lines[i].split(": ", 1)[0] + ": " + insert
            text = "\n".join(lines)
        else:
            at = int(where * len(text))
            text = text[:at] + insert + text[at + cut:]
    return text


def mutate_data(text: str, edits: list[tuple[list[int], str, Any]]) -> str:
    data = yaml.safe_load(text)
    for picks, how, new in edits:
        node = data
        for pick in picks[:-1]:  # walk down by picking children
            children = list(node) if isinstance(node, dict) else node
            if not isinstance(node, (dict, list)) or not children:
                break
            key = children[pick % len(children)] if isinstance(node, dict) else \
                pick % len(node)
            if not isinstance(node[key], (dict, list)):
                break
            node = node[key]
        if isinstance(node, dict) and node:
            key = list(node)[picks[-1] % len(node)]
            if how == "delete":
                del node[key]
            elif how == "add":
                node[f"x{picks[-1]}"] = copy.deepcopy(new)
            else:
                node[key] = copy.deepcopy(new)
        elif isinstance(node, list) and node:
            i = picks[-1] % len(node)
            if how == "delete":
                node.pop(i)
            elif how == "add":
                node.append(copy.deepcopy(new))
            else:
                node[i] = copy.deepcopy(new)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def run(*args: str | Path) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "E-INTERNAL" not in result.stderr, result.stderr


def _case(write: str, mutated: str, *args: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="duty-mutated-"))
    try:
        shutil.copytree(MINI, work / "county")
        (work / write).write_text(mutated, "utf-8")
        run(*[a.replace("{}", str(work)) for a in args])
    finally:
        shutil.rmtree(work)


modes = st.one_of(st.tuples(st.just("text"), st.lists(text_edit, min_size=1, max_size=4)),
                  st.tuples(st.just("data"), st.lists(data_edit, min_size=1, max_size=4)))


def _mutated(text: str, mode: tuple[str, list[Any]]) -> str:
    kind, edits = mode
    return mutate_text(text, edits) if kind == "text" else mutate_data(text, edits)


@SETTINGS
@given(mode=modes)
def test_mutated_proposal(mode: tuple[str, list[Any]]) -> None:
    _case("p.yaml", _mutated(PROPOSAL, mode), "evaluate", "--county", "{}/county", "{}/p.yaml")


@SETTINGS
@given(mode=modes)
def test_mutated_county(mode: tuple[str, list[Any]]) -> None:
    _case("county/county.yaml", _mutated(COUNTY, mode), "check", "--county", "{}/county")


@SETTINGS
@given(mode=modes)
def test_mutated_scenario(mode: tuple[str, list[Any]]) -> None:
    _case("s.yaml", _mutated(SCENARIO, mode), "scenario", "run", "{}/s.yaml")
