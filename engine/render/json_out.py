"""JSON output: English keys, Chinese text kept (ensure_ascii=False), stable order."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel


def dumps(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
