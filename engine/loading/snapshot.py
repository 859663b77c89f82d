"""Compiled county snapshots: a large county loaded from JSON instead of line-tracked YAML.

``duty county compile`` loads a county directory the ordinary way (every check, every error
with file and line) and, when it loads cleanly, writes ``county.snapshot.json`` beside its
``county.yaml``: the checked county, where each item was written (for the errors the policy
may still raise, such as an item needing a power its department lacks) and the hash of the
YAML it was made from. Loading uses the snapshot only while that hash matches the YAML as it
is now; any edit makes it stale and the YAML is read again. Policy packs are always read from
their YAML files.
"""

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.errors import Location
from engine.fileio import write_atomic
from engine.loading.yamlio import display_path
from engine.models.county import County
from engine.paths import SNAPSHOT

FORMAT = 1


class Where(BaseModel):
    """A location, its file relative to the county directory when inside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str | None
    relative: bool
    line: int | None
    field: str | None


class Snapshot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: int
    source: str  # sha256 of the county's YAML files
    county: County
    policy_location: Where
    item_locations: dict[str, Where]


def yaml_files(directory: Path) -> list[Path]:
    """The files a county is read from: ``county.yaml`` and ``items/*.yaml``."""
    items = directory / "items"
    extra = sorted([*items.glob("*.yaml"), *items.glob("*.yml")]) if items.is_dir() else []
    return [directory / "county.yaml", *extra]


def source_hash(directory: Path) -> str:
    """The content hash of a county's YAML files (names and bytes)."""
    digest = hashlib.sha256()
    for path in yaml_files(directory):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(directory).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _where(loc: Location, directory: Path) -> Where:
    if loc.file is not None:
        try:
            rel = Path(loc.file).resolve().relative_to(directory.resolve())
            return Where(file=rel.as_posix(), relative=True, line=loc.line, field=loc.field)
        except ValueError:
            pass
    return Where(file=loc.file, relative=False, line=loc.line, field=loc.field)


def _location(where: Where, directory: Path, shown: dict[str, str]) -> Location:
    """``where`` as a location; ``shown``: the files' displayed paths found so far (a file
    holds many items, and finding one resolves the path)."""
    file = where.file
    if where.relative and file:
        if file not in shown:
            shown[file] = display_path(directory / file)
        file = shown[file]
    return Location(file, where.line, where.field)


def write_snapshot(directory: Path, county: County, policy_location: Location,
                   item_locations: dict[str, Location], source: str) -> Path:
    """Write the snapshot of a county that loaded cleanly from YAML hashing to ``source``."""
    snap = Snapshot(format=FORMAT, source=source, county=county,
                    policy_location=_where(policy_location, directory),
                    item_locations={k: _where(v, directory) for k, v in item_locations.items()})
    path = directory / SNAPSHOT
    write_atomic(path, snap.model_dump_json())
    return path


def read_snapshot(directory: Path) -> tuple[County, Location, dict[str, Location]] | None:
    """The county from its snapshot, when there is one made from the YAML as it is now."""
    path = directory / SNAPSHOT
    if not path.is_file():
        return None
    source = source_hash(directory)
    try:
        snap = Snapshot.model_validate_json(path.read_bytes())
    except (ValidationError, OSError, ValueError):
        return None  # unreadable or of another format: the YAML is read instead
    if snap.format != FORMAT or snap.source != source:
        return None
    county = snap.county.model_copy(update={"directory": display_path(directory)})
    shown: dict[str, str] = {}
    return (county, _location(snap.policy_location, directory, shown),
            {k: _location(v, directory, shown) for k, v in snap.item_locations.items()})
