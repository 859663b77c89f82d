"""The line-tracking reader gives the same values as PyYAML's safe loader, scalar by scalar
(plain text is taken as text without the resolver when no implicit type can start so)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.loading.yamlio import read_yaml
from engine.paths import sample_county

SCALARS = [
    "街道", "text, with comma", "'quoted 1'", '"2"', "1", "-3", "+4", "0x1F", "0o17", "1_000",
    "1.5", "-.5", "1e3", "true", "True", "yes", "No", "off", "null", "~", "Null", "",
    "2026-11-30", "2026-11-30 10:00:00", "x=y", "<<x", "!!str 12", "!!int '12'", "|\n  block\n",
    ">\n  folded\n", "'  '", "a b c", "a-b", "0", ".nan", "S01", "t0", "o1", "n/a", "F",
]


@pytest.mark.parametrize("text", SCALARS)
def test_scalars_read_as_the_safe_loader_reads_them(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(f"k: {text}\nl:\n  - {text}\n" if "\n" not in text else f"k: {text}",
                    encoding="utf-8")
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(expected["k"], float) and expected["k"] != expected["k"]:
        pytest.skip("not a number is refused with its line (tested with the limits)")
    assert read_yaml(path).data == expected


def test_sample_county_files_read_as_the_safe_loader_reads_them() -> None:
    directory = sample_county()
    for path in [directory / "county.yaml", *sorted((directory / "items").glob("*.yaml"))]:
        doc = read_yaml(path)
        assert doc.data == yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc.longest is not None and doc.longest > 0
