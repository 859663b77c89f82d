"""Compiled snapshots: used while the YAML is unchanged, ignored once it changes, and the
errors that can still arise after loading keep their file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import DataErrors
from engine.lists.build import build_lists
from engine.loading import workspace
from engine.loading.snapshot import SNAPSHOT
from engine.loading.workspace import compile_workspace, load_workspace
from tests.conftest import MINI, run_cli


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "county")
    return Path("county")


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(directory: Path) -> None:
        raise AssertionError("the YAML was read")

    monkeypatch.setattr(workspace, "read_county", refuse)


def test_a_fresh_snapshot_is_loaded_instead_of_the_yaml(
        county: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_yaml = load_workspace(county)
    compile_workspace(county)
    assert (county / SNAPSHOT).is_file()
    _no_yaml(monkeypatch)
    from_snapshot = load_workspace(county)
    assert from_snapshot.county == from_yaml.county
    assert from_snapshot.policy.hash == from_yaml.policy.hash
    assert build_lists(from_snapshot) == build_lists(from_yaml)


def test_an_edited_county_reads_its_yaml_again(county: Path) -> None:
    compile_workspace(county)
    path = county / "county.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("东门街道", "东门新街道"),
                    encoding="utf-8")
    assert load_workspace(county).county.streets["S01"].name == "东门新街道"


def test_yaml_errors_keep_file_and_line_after_a_snapshot(county: Path) -> None:
    compile_workspace(county)
    path = county / "county.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: street", "kind: avenue", 1), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_workspace(county)
    (error,) = caught.value.errors
    line = text.splitlines().index("    kind: street") + 1
    assert (error.code, error.location.file, error.location.line) == (
        "E-SCHEMA", "county/county.yaml", line)


def test_a_policy_error_found_on_a_snapshot_names_the_items_line(
        county: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Packs are read from YAML every time: a pack change that makes an item need a power
    its department lacks is reported at the item (when loading strictly), as if the county
    had been read again."""
    path = county / "county.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "policy: [baseline]", "policy: [baseline, local.yaml]"), encoding="utf-8")
    pack = county / "local.yaml"
    pack.write_text("schema_version: 1\nid: local\nversion: 1\ntitle: 本地\n", encoding="utf-8")
    compile_workspace(county)
    pack.write_text(pack.read_text(encoding="utf-8")
                    + "parameters:\n  phase_powers: {patrol: licensing}\n", encoding="utf-8")
    with pytest.raises(DataErrors) as from_yaml:
        workspace.build_workspace(workspace.read_county(county), strict=True)
    _no_yaml(monkeypatch)
    with pytest.raises(DataErrors) as from_snapshot:
        load_workspace(county, strict=True)
    assert [(e.code, e.location) for e in from_snapshot.value.errors] == [
        (e.code, e.location) for e in from_yaml.value.errors]
    assert from_snapshot.value.errors[0].code == "E-POWER"
    assert from_snapshot.value.errors[0].location.line


def test_a_damaged_snapshot_is_ignored(county: Path) -> None:
    compile_workspace(county)
    (county / SNAPSHOT).write_text("{not json", encoding="utf-8")
    assert list(load_workspace(county).county.streets) == ["S01", "S02", "S03", "S04"]


def test_county_compile_command(county: Path) -> None:
    run = run_cli("county", "compile", "--county", county)
    assert (run.code, run.stdout) == (
        0, f"已写出快照 {county / SNAPSHOT}：4 个街道，3 个事项。\n")


def test_county_compile_writes_nothing_for_a_bad_county(county: Path) -> None:
    path = county / "county.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: street", "kind: avenue"),
                    encoding="utf-8")
    run = run_cli("county", "compile", "--county", county)
    assert run.code == 1 and "[E-SCHEMA] county/county.yaml:" in run.stderr
    assert not (county / SNAPSHOT).exists()


def test_the_sample_county_ships_with_a_fresh_snapshot() -> None:
    """The bundled sample county is read from its snapshot (``duty evaluate`` starts the
    faster for it), and the snapshot holds what its YAML holds now. After changing the
    sample county's YAML, write the snapshot again: ``duty county compile``."""
    from engine.loading.county import load_county
    from engine.loading.snapshot import read_snapshot
    from engine.paths import sample_county

    compiled = read_snapshot(sample_county())
    assert compiled is not None, "duties/sample/county.snapshot.json is stale: duty county compile"
    county, policy_where, item_where = compiled
    source = load_county(sample_county())
    assert county == source.county
    assert item_where == source.item_locations
    assert policy_where == source.county_file.location(("policy",))
