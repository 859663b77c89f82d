"""A published version's lists as parts, and each part as its change since the version before.

The lists of a version (``CountyLists`` as its JSON) are cut into parts: the head (county,
policy, and the order of the streets and departments), one part per street and one per
department. A version keeps only the parts that changed since the version before, each as
its change (``change``): the rows taken out, put in and changed, found by the rows' items (by
the keys of an object, by the strings of a list of distinct strings), each changed row by the
fields that changed. ``apply`` makes the part again from the part before and its change, and
``document`` joins the parts into the JSON the version was published as, byte for byte.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic_core import from_json, to_json

HEAD = ""  # the part holding the county, the policy and the order of the other parts
STREET, DEPARTMENT = "s:", "d:"  # the prefixes of a street's part and a department's
REPLACE = "="  # a change that gives the part (or the value) whole
_MISSING = object()


def dumps(value: Any) -> str:
    """JSON as pydantic writes a model's: by its own serializer (compact, characters as they
    are), which writes the values read from a model's JSON as the model wrote them."""
    return to_json(value).decode("utf-8")


def loads(text: str | bytes) -> Any:
    return from_json(text)


class Json(bytes):
    """A part given as its JSON, UTF-8 (as ``to_json`` writes the value read from it),
    read only when its change must be found row by row."""


def pack(change: Any) -> bytes:
    return zlib.compress(to_json(change))


def unpack(blob: bytes) -> Any:
    return from_json(zlib.decompress(blob))


def whole_text(blob: bytes) -> str:
    """The JSON of lists kept whole: zlib-compressed, or as it is (as the migration back to
    whole lists leaves those of a version that kept its changes)."""
    return (blob if blob[:1] == b"{" else zlib.decompress(blob)).decode("utf-8")


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return "sha256:" + hashlib.sha256(data).hexdigest()


def split(whole: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The parts of the lists' JSON (read as Python values): the head first, then the
    streets and the departments in order."""
    streets, departments = whole.pop("streets"), whole.pop("departments")
    yield HEAD, {**whole, "streets": [s["street"] for s in streets],
                 "departments": [d["department"] for d in departments]}
    for s in streets:
        yield STREET + s["street"], s
    for d in departments:
        yield DEPARTMENT + d["department"], d


def document(part: Callable[[str], Any]) -> str:
    """The lists' JSON, as the version was published, from its parts (``part``: a part's
    value by its key), made one part at a time."""
    return "".join(pieces(part))


def pieces(part: Callable[[str], Any]) -> Iterator[str]:
    """``document``'s text in pieces, a part at a time (for a county too large to hold it)."""
    top = dict(part(HEAD))
    streets, departments = top.pop("streets"), top.pop("departments")
    inner = dumps(top)[1:-1]
    yield "{" + inner + ("," if inner else "") + '"streets":['
    for i, s in enumerate(streets):
        yield ("," if i else "") + dumps(part(STREET + s))
    yield '],"departments":['
    for i, d in enumerate(departments):
        yield ("," if i else "") + dumps(part(DEPARTMENT + d))
    yield "]}"


Chains = dict[str, list[bytes | None]]


def chains(rows: Iterable[tuple[str, bytes | None]]) -> Chains:
    """The changes kept for each part (part, packed change or None for a part taken away),
    in version order, still packed."""
    out: Chains = {}
    for key, blob in rows:
        out.setdefault(key, []).append(blob)
    return out


def value(chain: list[bytes | None] | None) -> Any:
    """A part as its changes leave it (None: not there)."""
    current = None
    for blob in chain or ():
        current = None if blob is None else apply(current, unpack(blob))
    return current


def changes(before: Chains, after: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, bytes | None]]:
    """What a version keeps: each part of ``after`` that differs from the same part of the
    version before (its changes ``before``) with its change, packed, and each part of the
    version before no longer there with None."""
    seen = set()
    for key, new in after:
        seen.add(key)
        old = value(before.get(key))
        if isinstance(new, Json):
            if old is None:  # the part whole: its JSON as the change's value
                yield key, zlib.compress(b'{"' + REPLACE.encode() + b'":' + new + b"}")
                continue
            if to_json(old) == new:
                continue
            new = loads(new)
        found = change(_MISSING if old is None else old, new)
        if found is not None:
            yield key, pack(found)
    for key, chain in before.items():
        if key not in seen and chain[-1] is not None:
            yield key, None


def change(old: Any, new: Any) -> Any:
    """The change from ``old`` to ``new`` (None: no change)."""
    if old is _MISSING:
        return {REPLACE: new}
    if type(old) is type(new) and old == new:
        return None
    old_keys, new_keys = _keys(old), _keys(new)
    if old_keys is None or new_keys is None or type(old) is not type(new):
        return {REPLACE: new}
    kept = set(old_keys) & set(new_keys)
    if [k for k in old_keys if k in kept] != [k for k in new_keys if k in kept]:
        return {REPLACE: new}  # the rows kept were put in another order
    old_at = {k: i for i, k in enumerate(old_keys)}
    olds, news = _values(old), _values(new)
    taken = [i for i, k in enumerate(old_keys) if k not in kept]
    put, changed = [], []
    for j, k in enumerate(new_keys):
        if k not in kept:
            put.append([j, k, news[j]] if isinstance(new, dict) else [j, news[j]])
        else:
            sub = change(olds[old_at[k]], news[j])
            if sub is not None:
                changed.append([j, sub])
    if taken and len(taken) == len(old_keys) and not changed:
        return {REPLACE: new}
    out: dict[str, Any] = {}
    if taken:
        out["-"] = taken
    if put:
        out["+"] = put
    if changed:
        out["~"] = changed
    return out


def apply(old: Any, delta: Any) -> Any:
    """``old`` with the change ``delta`` made (``change``'s inverse)."""
    if REPLACE in delta:
        return delta[REPLACE]
    taken = set(delta.get("-", ()))
    if isinstance(old, dict):
        items = [pair for i, pair in enumerate(old.items()) if i not in taken]
        put = {j: (k, v) for j, k, v in delta.get("+", ())}
    else:
        items = [entry for i, entry in enumerate(old) if i not in taken]
        put = {j: v for j, v in delta.get("+", ())}
    kept = iter(items)
    out = [put[j] if j in put else next(kept) for j in range(len(items) + len(put))]
    for j, sub in delta.get("~", ()):
        if isinstance(old, dict):
            out[j] = (out[j][0], apply(out[j][1], sub))
        else:
            out[j] = apply(out[j], sub)
    return dict(out) if isinstance(old, dict) else out


def _keys(value: Any) -> list[Any] | None:
    """What finds a value's entries again: an object's keys; the items of a list of rows;
    the strings of a list of distinct strings. None: the value is taken whole."""
    if isinstance(value, dict):
        return list(value)
    if not isinstance(value, list):
        return None
    if all(isinstance(v, dict) and isinstance(v.get("item"), str) for v in value):
        keys = [v["item"] for v in value]
    elif all(isinstance(v, str) for v in value):
        keys = list(value)
    else:
        return None
    return keys if len(set(keys)) == len(keys) else None


def _values(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value
