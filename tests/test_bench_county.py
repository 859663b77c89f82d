"""The national bench's county generator: standard library only, and the county it writes is
the synthetic county the tests build in memory."""

from __future__ import annotations

import ast
from pathlib import Path

from bench.county_gen import write_county
from bench.synthetic import national_county
from engine.loading.workspace import load_workspace

ROOT = Path(__file__).resolve().parent.parent


def test_generator_imports_nothing_of_the_engine() -> None:
    tree = ast.parse((ROOT / "bench" / "county_gen.py").read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in modules if m.split(".")[0] in ("engine", "bench")}


def test_written_county_is_the_synthetic_county(tmp_path: Path) -> None:
    write_county(tmp_path / "county", 90, 60)
    loaded = load_workspace(tmp_path / "county").county
    built = national_county(90, 60)
    assert loaded.streets == built.streets
    assert loaded.units == built.units
    assert loaded.items == built.items
    assert loaded.departments == built.departments
    assert list((tmp_path / "county" / "admitted").iterdir())


def test_the_varied_shape_leaves_almost_no_two_streets_in_one_class(tmp_path: Path) -> None:
    from engine.lists.plan import ListPlan

    write_county(tmp_path / "county", 200, 200, varied=True)
    classes = list(ListPlan(load_workspace(tmp_path / "county")).street_classes())
    assert sum(len(c) == 1 for c in classes) >= 190
