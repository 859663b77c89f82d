"""Read YAML keeping the line of every value, and turn validation errors into located messages.

PyYAML silently keeps the last of two equal keys; here that is an error. Every mapping key and
every list item is mapped to its line so that a pydantic error at ``streets[3].kind`` can name
the line it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import DataError, DataErrors, Location, did_you_mean

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
    """

    def __init__(self, path: Path, data: Any, lines: dict[Path_, int], display: str,
                 prefix: Path_ = ()) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.display = display
        self.prefix = prefix

    def sub(self, loc: Iterable[str | int]) -> Document:
        loc = tuple(loc)
        data = self.data
        for part in loc:  # a part not written (a default) has no data
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                data = None
        return Document(self.path, data, self.lines, self.display, (*self.prefix, *loc))

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
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _to_python(node: yaml.Node, here: Path_, lines: dict[Path_, int], display: str) -> Any:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.constructor.SafeConstructor.construct_object(  # type: ignore[arg-type]
                _CONSTRUCTOR, key_node, deep=True
            )
            if not isinstance(key, (str, int, bool)) or isinstance(key, bool):
                raise DataError(
                    "键必须是文字",
                    location=Location(display, key_node.start_mark.line + 1),
                    code="E-YAML",
                )
            key = str(key)
            if key in out:
                raise DataError(
                    f"键 “{key}” 重复出现",
                    location=Location(display, key_node.start_mark.line + 1, field_path(here)),
                    hint="同一层级的每个键只能写一次。",
                    code="E-YAML",
                )
            out[key] = _to_python(value_node, (*here, key), lines, display)
            lines[(*here, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*here, i), lines, display) for i, v in enumerate(node.value)]
    return _CONSTRUCTOR.construct_object(node, deep=True)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def read_yaml(path: Path) -> Document:
    """Parse one YAML file; errors name the file and line."""
    display = display_path(path)
    if not path.exists():
        raise DataError("文件不存在", location=Location(display), code="E-NOTFOUND")
    if path.is_dir():
        raise DataError("这是一个目录，应为 YAML 文件", location=Location(display),
                        code="E-NOTFOUND")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            "文件不是 UTF-8 编码",
            location=Location(display),
            hint="请以 UTF-8 编码保存该文件。",
            code="E-YAML",
        ) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "无法解析"
        raise DataError(
            f"YAML 格式错误：{problem}",
            location=Location(display, line),
            hint="检查缩进、冒号后的空格和引号是否成对。",
            code="E-YAML",
        ) from exc
    except yaml.YAMLError as exc:
        raise DataError(f"YAML 格式错误：{exc}", location=Location(display),
                        code="E-YAML") from exc
    lines: dict[Path_, int] = {}
    try:
        data = None if node is None else _to_python(node, (), lines, display)
    except yaml.MarkedYAMLError as exc:  # e.g. a tag the safe constructor refuses
        mark = exc.problem_mark or exc.context_mark
        raise DataError(f"YAML 内容无法读取：{exc.problem or exc.context}",
                        location=Location(display, mark.line + 1 if mark else None),
                        hint="只能使用普通的 YAML 值，不能使用 !! 标签。", code="E-YAML") from exc
    return Document(path, data, lines, display)


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
}


def validate(model: type[M], doc: Document, data: Any = None, base: Path_ = ()) -> M:
    """Validate ``data`` (default: the whole document) as ``model``; errors carry lines."""
    payload = doc.data if data is None else data
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise DataErrors([explain(err, doc, base, model) for err in exc.errors()]) from None


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
        hint = did_you_mean(err.get("input"), choices)
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
    """The field names allowed at ``loc`` inside ``model`` (best effort, for hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
