"""Where the data shipped with the engine lives (``duties/`` in a checkout, bundled in a wheel)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def duties_dir() -> Path:
    bundled = _PACKAGE / "_duties"
    return bundled if bundled.is_dir() else _PACKAGE.parent / "duties"


def bundled_policies() -> Path:
    return duties_dir() / "policies"


def sample_county() -> Path:
    return duties_dir() / "sample"


def sample_proposals() -> Path:
    return duties_dir() / "proposals"


SNAPSHOT = "county.snapshot.json"  # a county's compiled snapshot, beside its county.yaml


def reference_catalogue() -> Path:
    """The reference catalogue of items higher departments take back (上级部门收回事项)."""
    return duties_dir() / "reference" / "recalled.yaml"
