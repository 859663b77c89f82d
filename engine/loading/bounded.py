"""Validation errors at a bounded cost.

A model checks a whole document at once, and every error it finds costs memory: a file of
fifty thousand empty mappings where items are expected gives six errors each, several hundred
megabytes before the first one is shown. Long lists and mappings are therefore checked one
element at a time first, counting every error but keeping only the first few. Only a document
whose long parts pass is validated whole (its remaining errors are few).
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, PydanticUserError, TypeAdapter, ValidationError

LONG = 100  # collections longer than this are checked element by element

Loc = tuple[str | int, ...]


@dataclass
class Found:
    """The first ``keep`` errors (pydantic's dicts, locations from the document root) and how
    many there were in all."""

    keep: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def add(self, exc: ValidationError, loc: Loc) -> None:
        self.total += exc.error_count()
        room = self.keep - len(self.errors)
        if room > 0:
            self.errors += [{**e, "loc": (*loc, *e["loc"])}
                            for e in exc.errors(include_url=False)[:room]]

    def add_raw(self, error: dict[str, Any]) -> None:
        self.total += 1
        if len(self.errors) < self.keep:
            self.errors.append(error)


def long_part_errors(model: type[BaseModel], payload: Any, keep: int) -> Found:
    """The errors inside the long lists and mappings of ``payload`` read as ``model``."""
    found = Found(keep)
    _walk(model, payload, (), found)
    return found


def _walk(tp: Any, value: Any, loc: Loc, found: Found) -> None:
    tp = _unwrap(tp, value)
    if tp is None:
        return
    if isinstance(value, dict) and isinstance(tp, type) and issubclass(tp, BaseModel):
        allowed = {f.alias or name: f for name, f in tp.model_fields.items()}
        extra = [k for k in value if k not in allowed]
        if tp.model_config.get("extra") == "forbid" and len(extra) > LONG:
            for key in extra:
                found.add_raw({"type": "extra_forbidden", "loc": (*loc, key),
                               "msg": "Extra inputs are not permitted", "input": value[key]})
        for key, f in allowed.items():
            if key in value:
                _walk(f.annotation, value[key], (*loc, key), found)
        return
    element = _element(tp, value)
    if element is None:
        return
    pairs = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    for key, item in pairs:
        before = found.total
        _walk(element, item, (*loc, key), found)
        if len(pairs) > LONG and found.total == before:
            try:
                _adapter(element).validate_python(item)
            except ValidationError as exc:
                found.add(exc, (*loc, key))


def _unwrap(tp: Any, value: Any) -> Any:
    """The one member of an Optional, Annotated or union type that fits ``value``'s shape."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0], value)
    if origin is Union or origin is types.UnionType:
        shaped = [a for a in get_args(tp) if _fits(_unwrap(a, value), value)]
        return _unwrap(shaped[0], value) if len(shaped) == 1 else None
    return tp


def _fits(tp: Any, value: Any) -> bool:
    origin = get_origin(tp) or tp
    if isinstance(value, dict):
        return origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel))
    if isinstance(value, list):
        return origin in (list, tuple, set, frozenset)
    return False


def _element(tp: Any, value: Any) -> Any:
    origin, args = get_origin(tp), get_args(tp)
    if isinstance(value, list) and origin in (list, set, frozenset) and args:
        return args[0]
    if isinstance(value, dict) and origin is dict and len(args) == 2:
        return args[1]
    return None


@lru_cache(maxsize=256)
def _adapter(tp: Any) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(tp, config=ConfigDict(strict=True))
    except PydanticUserError:  # a model brings its own configuration
        return TypeAdapter(tp)
