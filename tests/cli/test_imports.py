"""A command loads only the modules it uses (start-up time is measured by `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("engine.workflow", "engine.scenarios", "engine.lists.plan", "networkx", "openpyxl",
         "durable", "pydantic")

PROBE = """
import json, sys
from engine.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(*args: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return set(json.loads(run.stdout.splitlines()[-1]))


@pytest.mark.parametrize(("args", "needed"), [
    (["--help"], set()),
    (["evaluate", "duties/proposals/01-ebike-charging-coordination.yaml"],
     {"durable", "pydantic"}),
    (["lists", "build", "--street", "S01"], {"durable", "pydantic", "engine.lists.plan"}),
])
def test_a_command_loads_only_what_it_uses(args: list[str], needed: set[str]) -> None:
    loaded = _loaded(*args)
    assert {h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in loaded)} == needed
