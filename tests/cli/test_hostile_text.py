"""Text from files shown to people: terminal control characters and bidirectional overrides
are escaped, Markdown tables and index links keep their structure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.render.escape import json_text, link_target, md_inline, terminal
from tests.conftest import MINI, proposal, run_cli, write_yaml
from tests.workflow.conftest import Flow

HOSTILE = "清\x1b[2J\x1b]0;x\x07理\u202e站\u2066点\r完"
SHOWN = "清\\x1b[2J\\x1b]0;x\\x07理\\u202e站\\u2066点\\x0d完"
RAW = ("\x1b", "\x07", "\u202e", "\u2066", "\r")


def _clean(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


def test_terminal_escape() -> None:
    assert terminal(HOSTILE) == SHOWN
    assert terminal("\ufeffa\tb\nc\r\nd\x9b") == "\ufeffa\tb\nc\r\nd\\x9b"  # CSV keeps its BOM


def test_json_text_is_the_same_data() -> None:
    text = json.dumps({"t": "a\u202eb\x85"}, ensure_ascii=False)
    assert json.loads(json_text(text)) == {"t": "a\u202eb\x85"}
    assert "\u202e" not in json_text(text)


def test_markdown_inline() -> None:
    assert md_inline("a|b\r\nc](javascript:alert(1))<script>`x`\\") == (
        "a\\|b c\\](javascript:alert(1))\\<script\\>\\`x\\`\\\\")
    assert link_target("streets/S 1](x).md") == "streets/S%201%5D%28x%29.md"


def test_evaluate_escapes_titles_and_names(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(title=HOSTILE, item__name=HOSTILE))
    run = run_cli("evaluate", "--county", MINI, path)
    assert run.code == 0, run.stderr
    assert "测试申请" not in run.stdout and f"：{SHOWN}\n" in run.stdout
    _clean(run.stdout)
    data = json.loads(run_cli("evaluate", "--county", MINI, path, "--format", "json").stdout)
    assert data["title"] == HOSTILE  # JSON keeps the data, written with escapes


def test_error_messages_are_escaped(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(mode=HOSTILE))
    run = run_cli("evaluate", "--county", MINI, path)
    assert run.code == 1
    _clean(run.stderr)
    assert "\\x1b" in run.stderr


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    for name in ("DUTY_DB", "DUTY_ACTOR", "DUTY_COUNTY"):
        monkeypatch.delenv(name, raising=False)
    return Flow(tmp_path, monkeypatch)


def test_proposal_list_and_show_escape_titles(flow: Flow) -> None:
    flow.submit(title=HOSTILE)
    listed = flow.ok("list").stdout
    shown = flow.ok("show", "P-T-100").stdout
    for out in (listed, shown):
        _clean(out)
        assert SHOWN in out


def _hostile_county(tmp_path: Path) -> Path:
    data = yaml.safe_load((MINI / "county.yaml").read_text("utf-8"))
    data["name"] = "测试区\n# 注入的标题"
    data["streets"][0]["name"] = "东门街道](javascript:alert(1))\n# 注入"
    data["departments"][0]["name"] = "区城市管理局\r| 注入 |"
    directory = tmp_path / "county"
    write_yaml(directory / "county.yaml", data)
    return directory


def test_markdown_lists_keep_their_structure(tmp_path: Path) -> None:
    directory = _hostile_county(tmp_path)
    out = tmp_path / "out"
    run = run_cli("lists", "build", "--county", directory, "--all", "-o", out)
    assert run.code == 0, run.stderr
    index = (out / "index.md").read_text("utf-8")
    assert index.splitlines()[0] == "# 测试区 # 注入的标题履行职责事项清单"
    assert "- 街道：[东门街道\\](javascript:alert(1)) # 注入](streets/S01.md)" in index
    assert [line for line in index.splitlines() if line.startswith("#")] == [
        index.splitlines()[0]]
    street = (out / "streets" / "S01.md").read_text("utf-8")
    assert street.startswith("# 东门街道\\](javascript:alert(1)) # 注入履行职责事项清单\n")
    for doc in [street, *(p.read_text("utf-8") for p in (out / "departments").iterdir())]:
        assert "\r" not in doc
        header: int | None = None  # the cells of the table being read
        for line in doc.splitlines():
            if not line.startswith("|"):
                header = None
                continue
            cells = line.replace("\\|", "").count("|") - 1
            if header is None:
                header = cells
            assert cells == header, line  # every row has as many cells as its header


def test_html_index_escapes_names(tmp_path: Path) -> None:
    directory = _hostile_county(tmp_path)
    data = yaml.safe_load((directory / "county.yaml").read_text("utf-8"))
    data["streets"][1]["name"] = '<script>alert(1)</script>"'
    write_yaml(directory / "county.yaml", data)
    out = tmp_path / "out"
    assert run_cli("lists", "build", "--county", directory, "--all", "--format", "html",
                   "-o", out).code == 0
    index = (out / "index.html").read_text("utf-8")
    assert "<script>" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in index
