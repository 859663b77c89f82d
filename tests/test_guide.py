"""The Chinese guide's setup (docs/guide.zh.md, 二) runs as written: the store, the first
administrator, the units' accounts with their passwords, the migration step; with the sample
county in place of 我县/ and in a scratch directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "guide.zh.md"


def _commands(section: str) -> list[str]:
    lines = [line.strip() for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S)
             for line in block.splitlines()]
    return [line for line in lines if line and ".venv/bin/duty" in line
            and " serve " not in line]


def test_the_guides_setup_runs_as_written(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## 二"):text.index("## 三")]
    commands = _commands(section)
    assert len(commands) >= 5
    duty = str(Path(sys.executable).parent / "duty")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    outputs = []
    for command in commands:
        line = command.replace(".venv/bin/duty", duty).replace("我县/",
                                                                str(ROOT / "duties" / "sample"))
        run = subprocess.run(["bash", "-e", "-c", line], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (command, run.stderr)
        outputs.append(run.stdout)
        if "--role admin" in command:  # the first administrator's token, as step 4 says
            env["DUTY_TOKEN"] = run.stdout.splitlines()[-1]
    assert (tmp_path / "duty.db").is_file() and (tmp_path / "duty.db.key").is_file()
    assert "无需迁移" in outputs[-1]
