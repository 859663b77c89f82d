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


MAIN_PROBE = """
import gc, json, os, sys
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info["generation"]))
sys.argv = ["duty", *sys.argv[1:]]
from engine.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps({"collections": collections, "plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
                  "collecting": gc.isenabled()}))
"""


def test_start_up_leaves_the_collector_and_pydantics_plugins_out() -> None:
    """`duty` as installed (``main``) keeps the cyclic collector paused while it starts and
    loads (it ran some ninety times before, over objects that live to the end), and asks
    pydantic not to look for plugins among the installed distributions."""
    run = subprocess.run([sys.executable, "-c", MAIN_PROBE, "evaluate",
                          "duties/proposals/01-ebike-charging-coordination.yaml"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    seen = json.loads(run.stdout.splitlines()[-1])
    assert len(seen["collections"]) <= 5
    assert seen["plugins"] == "__all__"
    assert seen["collecting"]  # on again once the command ran


def test_help_leaves_the_collector_as_it_found_it() -> None:
    run = subprocess.run([sys.executable, "-c", MAIN_PROBE, "--help"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(run.stdout.splitlines()[-1])["collecting"]


def test_evaluate_reads_the_sample_county_from_its_snapshot() -> None:
    """...so the models of the county's YAML files are not built."""
    loaded = _loaded("evaluate", "duties/proposals/01-ebike-charging-coordination.yaml")
    assert "engine.loading.snapshot" in loaded
    assert "engine.models.county_files" not in loaded


EVALUATE_MODELS = ("engine.models.base", "engine.models.county", "engine.models.policy",
                   "engine.models.proposal", "engine.models.decision", "engine.rules.parameters",
                   "engine.loading.limits", "engine.loading.snapshot")


@pytest.mark.parametrize("name", EVALUATE_MODELS)
def test_the_models_evaluate_builds_are_built_without_extra_parsing(name: str) -> None:
    """pydantic builds these models at every start of `duty evaluate`: their annotations are
    evaluated by Python when the module runs (postponed, pydantic would parse each string
    again), and no list field defaults to the built-in ``list`` (``base.new_list``)."""
    import importlib
    import inspect

    from pydantic import BaseModel

    module = importlib.import_module(name)
    assert "from __future__ import annotations" not in inspect.getsource(module)
    models = [m for m in vars(module).values() if isinstance(m, type)
              and issubclass(m, BaseModel) and m.__module__ == name]
    for model in models:
        for field, info in model.model_fields.items():
            assert info.default_factory is not list, f"{model.__name__}.{field}"
