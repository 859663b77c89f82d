"""Read YAML keeping the line of every value, and turn validation errors into located messages.

PyYAML silently keeps the last of two equal keys; here that is an error. Every mapping key and
every list item is mapped to its line so that a pydantic error at ``streets[3].kind`` can name
the line it came from. Every file is read within limits (``Limits``: bytes, values with aliases
counted as expanded, depth, text length, integer digits), so no input can take unbounded memory
or time.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import (
    MAX_SHOWN_ERRORS,
    DataError,
    DataErrors,
    LimitError,
    Location,
    did_you_mean,
)
from engine.fileio import RAISE_LIMITS_HINT, read_regular
from engine.loading.bounded import LONG, long_part_errors
from engine.vocab import identifier_for

try:  # the C loader is much faster on large catalogues; fall back when PyYAML lacks it
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class Document:
    """A parsed YAML file: its data and the line of every path in it.

    ``sub(path)`` gives the part of a file below ``path`` as a document of its own (a proposal
    written inside a scenario, say): its paths are relative to that part, but its locations
    still name the file, the real line and the full field path.

    ``longest`` is the most entries any list or mapping of the file holds, when known (a
    document read by ``read_yaml``); validation uses it to skip the element-by-element check
    of long parts (``engine.loading.bounded``) in a file that has none.
    """

    def __init__(self, path: Path, data: Any, lines: dict[Path_, int], display: str,
                 prefix: Path_ = (), longest: int | None = None) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.display = display
        self.prefix = prefix
        self.longest = longest

    def sub(self, loc: Iterable[str | int]) -> Document:
        loc = tuple(loc)
        data = self.data
        for part in loc:  # a part not written (a default) has no data
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                data = None
        return Document(self.path, data, self.lines, self.display, (*self.prefix, *loc),
                        self.longest)

    def line_of(self, loc: Iterable[str | int]) -> int | None:
        """The line of the deepest known prefix of ``loc``."""
        key = (*self.prefix, *loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())

    def location(self, loc: Iterable[str | int]) -> Location:
        loc = tuple(loc)
        return Location(self.display, self.line_of(loc), field_path((*self.prefix, *loc)) or None)


def field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when inside it."""
    real = Path(os.path.realpath(path.parent)) / path.name  # a symlink is named, not followed
    try:
        return str(real.relative_to(os.path.realpath(Path.cwd())))
    except ValueError:
        return str(path)


class Limits(BaseModel):
    """What one YAML file may hold. Defaults; a county raises them for its own files in
    ``limits.yaml`` (see ``engine.loading.limits``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    max_bytes: int = Field(4 * 1024 * 1024, gt=0)  # size of the file
    max_nodes: int = Field(100_000, gt=0)  # values, counting each alias as all it stands for
    max_depth: int = Field(64, gt=0, le=400)  # nesting of mappings and lists
    max_scalar_chars: int = Field(100_000, gt=0)  # length of one text value
    max_int_digits: int = Field(18, gt=0, le=4000)  # digits of one integer


DEFAULT_LIMITS = Limits()

_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FLOAT = "tag:yaml.org,2002:float"


class _Builder:
    """Python data and the line of every path, built from the parser's events in one pass.

    The limits are checked as the events arrive, before anything large is built: an alias
    counts as the number of values it stands for, so a "billion laughs" file is refused after
    a few hundred events. Aliases are expanded by copying (their size is already bounded);
    paths inside a copy take the alias's line.
    """

    def __init__(self, display: str, limits: Limits) -> None:
        self.display = display
        self.limits = limits
        self.lines: dict[Path_, int] = {}
        self.nodes = 0
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor → (value, size in nodes)
        self.open: set[str] = set()  # anchors of collections not yet closed
        self.longest = 0  # the most entries of any list or mapping
        self.max_nodes = limits.max_nodes
        self.max_depth = limits.max_depth
        self.max_chars = limits.max_scalar_chars

    def refuse(self, message: str, limit: str, maximum: int, line: int | None) -> LimitError:
        return LimitError(message, limit=limit, maximum=maximum,
                          location=Location(self.display, line), hint=RAISE_LIMITS_HINT)

    def count(self, n: int, line: int) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise self.refuse(f"值的个数（别名按展开后计算）超过 {self.limits.max_nodes:,} 的上限",
                              "max_nodes", self.limits.max_nodes, line)

    def build(self, events: Iterator[yaml.Event]) -> Any:
        data: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise DataError("一个文件只能有一个 YAML 文档（不能有第二个 ---）",
                                    location=Location(self.display, _line(event)),
                                    code="E-YAML")
            elif isinstance(event, yaml.NodeEvent):
                data = self.node(event, events, (), 1)
        return data

    def node(self, event: yaml.Event, events: Iterator[yaml.Event], here: Path_,
             depth: int) -> Any:
        line = event.start_mark.line + 1
        self.lines[here] = line
        kind = type(event)
        if kind is yaml.ScalarEvent and depth <= self.max_depth:  # the common case, in short
            self.nodes += 1
            if self.nodes > self.max_nodes:
                self.count(0, line)
            value = self.scalar(event, line, here)  # type: ignore[arg-type]
            if event.anchor:  # type: ignore[attr-defined]
                self.anchors[event.anchor] = (value, 1)  # type: ignore[attr-defined]
            return value
        if kind is yaml.AliasEvent:
            return self.alias(event, line)  # type: ignore[arg-type]
        if depth > self.limits.max_depth:
            raise self.refuse(f"嵌套超过 {self.limits.max_depth} 层的上限", "max_depth",
                              self.limits.max_depth, line)
        start = self.nodes
        self.count(1, line)
        anchor = event.anchor  # type: ignore[attr-defined]
        if kind is yaml.ScalarEvent:
            value = self.scalar(event, line, here)  # type: ignore[arg-type]
            if anchor:
                self.anchors[anchor] = (value, 1)
            return value
        if anchor:
            self.open.add(anchor)
        if kind is yaml.SequenceStartEvent:
            value = []
            for child in events:
                if type(child) is yaml.SequenceEndEvent:
                    break
                value.append(self.node(child, events, (*here, len(value)), depth + 1))
            self.longest = max(self.longest, len(value))
        else:
            value = self.mapping(events, here, depth)
        if anchor:
            self.open.discard(anchor)
            self.anchors[anchor] = (value, self.nodes - start)
        return value

    def mapping(self, events: Iterator[yaml.Event], here: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        lines = self.lines
        for key_event in events:
            kind = type(key_event)
            if kind is yaml.MappingEndEvent:
                break
            key_line = key_event.start_mark.line + 1
            key: Any = None
            if kind is yaml.ScalarEvent:
                self.count(1, key_line)
                key = self.scalar(key_event, key_line)  # type: ignore[arg-type]
                if key_event.anchor:  # type: ignore[attr-defined]
                    self.anchors[key_event.anchor] = (key, 1)  # type: ignore[attr-defined]
            elif kind is yaml.AliasEvent:
                key = self.alias(key_event, key_line)  # type: ignore[arg-type]
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise DataError("键必须是文字", location=Location(self.display, key_line),
                                code="E-YAML")
            key = str(key)
            if key in out:
                raise DataError(
                    f"键 “{key}” 重复出现",
                    location=Location(self.display, key_line, field_path(here)),
                    hint="同一层级的每个键只能写一次。",
                    code="E-YAML",
                )
            path = (*here, key)
            out[key] = self.node(next(events), events, path, depth + 1)
            lines[path] = key_line
        self.longest = max(self.longest, len(out))
        return out

    def alias(self, event: yaml.AliasEvent, line: int) -> Any:
        name = event.anchor
        if name in self.open:
            raise DataError(f"别名 *{name} 引用了包含它自身的锚点（循环引用）",
                            location=Location(self.display, line), code="E-YAML",
                            hint="别名只能引用已经写完的锚点。")
        if name not in self.anchors:
            raise DataError(f"别名 *{name} 没有对应的锚点 &{name}",
                            location=Location(self.display, line), code="E-YAML")
        value, size = self.anchors[name]
        self.count(size, line)
        return copy.deepcopy(value)

    def scalar(self, event: yaml.ScalarEvent, line: int, here: Path_ | None = None) -> Any:
        text = event.value
        if len(text) > self.max_chars:
            raise self.refuse(f"一个值的长度超过 {self.limits.max_scalar_chars:,} 个字符的上限",
                              "max_scalar_chars", self.limits.max_scalar_chars, line)
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted or a block: text, as the resolver would say
                return text
            if _PLAIN_TEXT_FAST and text and text[0] not in _RESOLVED_FIRST:
                return text  # no implicit type (number, date, null, bool) starts so
            tag = _RESOLVER.resolve(yaml.ScalarNode, text, event.implicit)
        if tag == _STR:
            return text
        if tag == _INT and len(text.lstrip("+-").replace("_", "")) > self.limits.max_int_digits:
            raise self.refuse(f"整数超过 {self.limits.max_int_digits} 位数字的上限",
                              "max_int_digits", self.limits.max_int_digits, line)
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
        construct = _CONSTRUCTOR.yaml_constructors.get(
            tag, yaml.constructor.SafeConstructor.construct_undefined)
        try:
            value = construct(_CONSTRUCTOR, node)
        except (ValueError, OverflowError) as exc:  # a date like 2026-13-45
            where = Location(self.display, line, field_path(here) if here else None)
            if tag == _TIMESTAMP:
                raise DataError(f"“{text[:40]}” 不是有效的日期", location=where,
                                code="E-YAML", hint="日期写作 YYYY-MM-DD，如 2027-03-31；"
                                "月份 1–12，日不超过当月天数。") from None
            raise DataError(f"值 “{text[:40]}” 无法读取：{exc}", location=where,
                            code="E-YAML") from None
        if tag == _FLOAT and not math.isfinite(value):
            raise DataError(f"数值 “{text}” 超出范围（无穷大或非数）",
                            location=Location(self.display, line), code="E-RANGE",
                            hint="写一个有限的数。")
        return value


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()
_STR = _RESOLVER.DEFAULT_SCALAR_TAG
# A plain scalar gets an implicit type (int, float, bool, null, timestamp…) only from a
# resolver keyed by its first character; text starting otherwise is text. The shortcut holds
# while the resolver has no resolver for every first character and no path resolvers.
_RESOLVED_FIRST = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k)
_PLAIN_TEXT_FAST = (not _RESOLVER.yaml_implicit_resolvers.get(None)
                    and not _RESOLVER.yaml_path_resolvers)


def read_yaml(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse one YAML file within ``limits``; errors name the file and line.

    Only a regular file is read (a FIFO, device, socket or looping symlink is refused), and
    never more than ``limits.max_bytes`` of it.
    """
    display = display_path(path)
    return parse_yaml(path, read_regular(path, display, limits.max_bytes), display, limits)


def parse_yaml(path: Path, raw: bytes, display: str,
               limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse the bytes ``raw`` of the file ``path`` (named ``display``) within ``limits``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            "文件不是 UTF-8 编码",
            location=Location(display),
            hint="请以 UTF-8 编码保存该文件。",
            code="E-YAML",
        ) from exc
    del raw
    builder = _Builder(display, limits)
    try:
        data = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "无法解析"
        if isinstance(exc, yaml.constructor.ConstructorError):  # a tag the safe loader refuses
            raise DataError(f"YAML 内容无法读取：{problem}", location=Location(display, line),
                            hint="只能使用普通的 YAML 值，不能使用 !! 标签。",
                            code="E-YAML") from exc
        raise DataError(
            f"YAML 格式错误：{problem}",
            location=Location(display, line),
            hint="检查缩进、冒号后的空格和引号是否成对。",
            code="E-YAML",
        ) from exc
    except yaml.YAMLError as exc:
        raise DataError(f"YAML 格式错误：{exc}", location=Location(display),
                        code="E-YAML") from exc
    return Document(path, data, builder.lines, display, longest=builder.longest)


_EXPECTED = {
    "extra_forbidden": "不认识的字段",
    "missing": "缺少必填字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_pattern_mismatch": "编号只能由英文字母、数字和 _ . - 组成",
    "too_short": "不能为空",
    "date_type": "应为日期（YYYY-MM-DD，如 2027-03-31）",
    "date_parsing": "应为日期（YYYY-MM-DD，如 2027-03-31）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD，如 2027-03-31）",
    "date_from_datetime_inexact": "应为日期，不带时刻（YYYY-MM-DD，如 2027-03-31）",
}


def validate(model: type[M], doc: Document, data: Any = None, base: Path_ = ()) -> M:
    """Validate ``data`` (default: the whole document) as ``model``; errors carry lines."""
    payload = doc.data if data is None else data
    found = (long_part_errors(model, payload, MAX_SHOWN_ERRORS)
             if data is not None or doc.longest is None or doc.longest > LONG else None)
    if found is not None and found.total:
        raise DataErrors([explain(err, doc, base, model) for err in found.errors],
                         omitted=found.total - len(found.errors))
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        shown = exc.errors(include_url=False)[:MAX_SHOWN_ERRORS]
        raise DataErrors([explain(err, doc, base, model) for err in shown],
                         omitted=exc.error_count() - len(shown)) from None


def explain(err: Any, doc: Document, base: Path_, model: type[BaseModel]) -> DataError:
    loc = (*base, *(p for p in err["loc"] if not _is_union_tag(p)))
    kind = err["type"]
    hint = None
    if kind == "literal_error" and loc and loc[-1] == "schema_version":
        message = f"schema_version 应为数字 1（不加引号），实际为 “{_short(err.get('input'))}”"
    elif kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
        choices = [c for c in choices if c]
        message = f"取值 “{_short(err.get('input'))}” 无效，应为 {'、'.join(choices)} 之一"
        ident = identifier_for(err.get("input"), choices)
        hint = (f"“{err.get('input')}” 的标识是 {ident}，请写 {ident}" if ident
                else did_you_mean(err.get("input"), choices))
    elif kind == "extra_forbidden":
        message = f"不认识的字段 “{loc[-1]}”"
        siblings = _allowed_keys(model, loc[len(base):-1])
        hint = did_you_mean(loc[-1], siblings) if siblings else None
        if hint is None and siblings:
            hint = "允许的字段：" + "、".join(sorted(siblings))
    elif kind in _EXPECTED:
        message = _EXPECTED[kind]
        if kind not in ("missing",) and "input" in err:
            message += f"，实际为 “{_short(err['input'])}”"
        if kind in ("greater_than_equal", "greater_than", "less_than_equal"):
            limit = next(iter(err.get("ctx", {}).values()), None)
            message += f"（界限 {limit}）"
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        message = err["msg"]
    return DataError(message, location=doc.location(loc), hint=hint, code="E-SCHEMA")


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _allowed_keys(model: type[BaseModel], loc: Path_) -> list[str]:
    """The field names allowed at ``loc`` inside ``model`` (best effort, for hints); where a
    field is a union of models, the names of every member."""
    current: list[Any] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        inner = [m for c in current
                 if part in (getattr(c, "model_fields", None) or {})
                 for m in _inner_models(c.model_fields[part].annotation)]
        if not inner:
            return []
        current = inner
    return sorted({name for c in current for name in getattr(c, "model_fields", None) or {}})


def _inner_models(annotation: Any) -> list[Any]:
    """The pydantic models an annotation names (inside unions, lists, optionals …)."""
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _inner_models(arg)]
