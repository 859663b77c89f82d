"""The docs stay true: every fact field is documented, every baseline rule is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.rules.facts import STREET_FIELDS
from tests.conftest import ROOT


def test_every_fact_field_is_documented() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [name for name in STREET_FIELDS if f"`{name}`" not in text]
    assert not missing


def test_readme_shows_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text


def test_readme_demo_excerpts_match_the_real_output() -> None:
    import re

    from engine.paths import sample_proposals
    from tests.conftest import run_cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run = run_cli("evaluate", *sorted(sample_proposals().glob("*.yaml")))
    for block in re.findall(r"```text\n(.*?)```", readme, flags=re.S):
        assert block in run.stdout, block[:80]


def test_readme_lists_excerpt_matches_the_real_lists() -> None:
    import re

    from tests.conftest import run_cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run = run_cli("lists", "build", "--street", "S01")
    blocks = re.findall(r"```markdown\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        for line in block.splitlines():
            assert line in run.stdout.splitlines(), line


def test_readme_scenario_example_runs_as_shown(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from tests.conftest import run_cli

    section = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    passing, failing = re.findall(r"```console\n\$ (.*?)\n(.*?)```", section, flags=re.S)
    (tmp_path / "food-patrol.yaml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = run_cli(*passing[0].split()[1:])
    assert (run.code, run.stdout) == (0, passing[1])
    (tmp_path / "food-patrol.yaml").write_text(
        example.replace("primary: department", "primary: unit"), encoding="utf-8")
    run = run_cli(*failing[0].split()[1:])
    assert (run.code, run.stdout) == (1, failing[1])


def test_readme_workflow_walkthrough_runs(tmp_path: Path) -> None:
    """The admission walkthrough (docs/walkthrough.md), run by a shell as a user would (started
    from the checkout, with the installed ``duty``), ends with the item published and the
    chain intact, leaving nothing in the checkout."""
    import os
    import re
    import subprocess
    import sys

    page = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    section = page[page.index("## Admission workflow"):page.index("### Taking items back")]
    [script] = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    duty = str(Path(sys.executable).parent / "duty")
    script = script.replace("$CHECKOUT/.venv/bin/duty", duty)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTY_")}
    env["TMPDIR"] = str(tmp_path)  # the scratch directory mktemp makes
    run = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "公布调整后的清单（publish）：已准入待公布（admitted） → " \
        "已公布（清单已调整）（published）" in run.stdout
    assert "清单变化：8 个街道、1 个事项受影响" in run.stdout
    assert "审计记录完好" in run.stdout
    assert not (ROOT / "duty.db").exists()
    assert list(tmp_path.glob("*/duty.db.key"))  # the store lived in the scratch directory


def test_readme_import_example_runs_as_shown(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from tests.conftest import run_cli

    section = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    [session] = re.findall(r"```console\n(.*?)```", section, flags=re.S)
    [excerpt] = re.findall(r"```md\n(.*?)```", section, flags=re.S)
    monkeypatch.chdir(tmp_path)
    commands = re.split(r"^\$ ", session, flags=re.M)[1:]
    for block in commands:
        command, _, expected = block.partition("\n")
        args = command.split()[1:]
        args = [str(ROOT / a) if a.startswith("duties/") else a for a in args]
        run = run_cli(*args)
        assert (run.code, run.stdout) == (0, expected), command
    report = (tmp_path / "imported" / "import-report.md").read_text(encoding="utf-8")
    assert all(line in report.splitlines() for line in excerpt.splitlines())
