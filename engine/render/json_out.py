"""JSON output: English keys, Chinese text kept (ensure_ascii=False), stable order."""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import to_jsonable_python

from engine.render.escape import json_text


def dumps(value: Any) -> str:
    """Models, lists and mappings of models, as indented JSON ending in a newline (control and
    bidirectional characters escaped)."""
    return json_text(json.dumps(to_jsonable_python(value), ensure_ascii=False, indent=2)) + "\n"
