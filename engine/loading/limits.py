"""A county's own reading limits: ``limits.yaml`` in its directory raises the defaults.

The file itself is read within the defaults. What it sets applies to the files of that county
(``county.yaml``, ``items/*.yaml`` and the county's own policy packs), never to proposals or
scenarios, which may come from anywhere.
"""

import os
from pathlib import Path
from typing import Literal

from engine.loading.yamlio import DEFAULT_LIMITS, Limits, read_yaml, validate

FILE = "limits.yaml"


class LimitsFile(Limits):
    schema_version: Literal[1]


def county_limits(directory: Path | None) -> Limits:
    """The limits for the files of the county in ``directory`` (defaults when it sets none)."""
    if directory is None or not os.path.lexists(Path(directory) / FILE):
        return DEFAULT_LIMITS
    doc = read_yaml(Path(directory) / FILE)
    chosen = validate(LimitsFile, doc)
    return Limits(**chosen.model_dump(exclude={"schema_version"}))
