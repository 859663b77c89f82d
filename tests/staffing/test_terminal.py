"""Control and bidirectional characters in a county's names never reach the terminal raw from
``report staffing`` (ESC, BEL, U+202E, a lone CR)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import MINI, run_cli

HOSTILE = "东门\x1b[2J街道\x07\u202e\r"


def test_report_staffing_escapes_control_characters(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    data["streets"][0]["name"] = HOSTILE
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    for fmt in ("text", "md", "svg"):
        run = run_cli("report", "staffing", "--county", county, "--format", fmt)
        assert run.code == 0, run.stderr
        out = run.stdout
        assert not any(c in out for c in "\x1b\x07\u202e"), fmt
        assert "\r" not in out.replace("\r\n", ""), fmt
