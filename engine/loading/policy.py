"""Policy packs → one checked ``Policy``.

A county names its packs in ``policy:``: bundled pack names (``baseline``) or paths, relative to
the county directory, to its own YAML packs. Later packs add rules or override earlier ones by
id (``enabled: false`` switches one off) and override parameters key by key.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from engine.errors import DataError, DataErrors, Location, PolicyError, did_you_mean
from engine.fileio import read_regular
from engine.loading.limits import county_limits
from engine.loading.yamlio import Document, Limits, display_path, explain, parse_yaml, validate
from engine.models.policy import BLOCKING, Case, Combine, EffectParam, PackFile, Rule
from engine.paths import bundled_policies
from engine.rules import conditions
from engine.rules.facts import SCHEMAS
from engine.rules.parameters import ENGINE_PARAMETERS, Parameters
from engine.vocab import PHASES, Effect


@dataclass(frozen=True)
class Policy:
    """The packs in force, merged: rules in order, parameters, combination strategy."""

    id: str
    version: str
    hash: str
    rules: tuple[Rule, ...]
    cases: tuple[tuple[Case, ...], ...]  # each rule's cases, in rule order
    parameters: Parameters
    raw_parameters: dict[str, Any]
    combine: Combine
    disabled: tuple[str, ...] = ()  # rules a later pack switched off (they never fire)

    @cached_property
    def placeholders(self) -> dict[int, tuple[str, ...]]:
        """The placeholder names of each case's message, by ``id(case)``."""
        return {id(c): tuple(_placeholders(c.message)) for cases in self.cases for c in cases}


def resolve_pack(name: str, county_dir: Path | None) -> Path:
    """A pack name or path → the YAML file."""
    bundled = bundled_policies() / f"{name}.yaml"
    if "/" not in name and not name.endswith((".yaml", ".yml")):
        if bundled.exists():
            return bundled
        known = sorted(p.stem for p in bundled_policies().glob("*.yaml"))
        raise PolicyError(f"没有名为 “{name}” 的内置规则包", code="E-NOTFOUND",
                          hint=did_you_mean(name, known) or "内置规则包：" + "、".join(known))
    path = Path(name)
    if not path.is_absolute() and county_dir is not None:
        path = county_dir / path
    return path


# Packs read before, by file, content and limits: a long-running process (the web
# application, a test run) reads the same packs again and again. A changed file is read anew.
# A pack is a frozen model and its document is only read (for the lines of errors).
_PACKS: dict[tuple[str, bytes, Limits], tuple[PackFile, Document]] = {}
_PACKS_KEPT = 16


def _read_pack(path: Path, limits: Limits) -> tuple[PackFile, Document]:
    display = display_path(path)
    raw = read_regular(path, display, limits.max_bytes)
    key = (str(path), hashlib.sha256(raw).digest(), limits)
    if key not in _PACKS:
        doc = parse_yaml(path, raw, display, limits)
        if not isinstance(doc.data, dict):
            raise PolicyError("规则包应为映射（键: 值）", location=doc.location(()))
        if len(_PACKS) >= _PACKS_KEPT:
            _PACKS.clear()
        _PACKS[key] = (validate(PackFile, doc), doc)
    return _PACKS[key]


def load_policy(names: list[str], county_dir: Path | None = None,
                where: Location | None = None,
                extra: Sequence[tuple[PackFile, Document]] = ()) -> Policy:
    """Merge the named packs, then ``extra`` (packs already read, e.g. a scenario's rules)."""
    if not names:
        raise PolicyError("未指定规则包", location=where,
                          hint="在 county.yaml 中写 policy: [baseline]")
    packs: list[tuple[PackFile, Document]] = []
    if len(set(names)) != len(names):
        raise PolicyError("同一规则包列出了两次", location=where,
                          hint="policy 中每个规则包只写一次。")
    limits = county_limits(county_dir)
    for name in names:
        try:
            path = resolve_pack(name, county_dir)
        except PolicyError as exc:
            exc.location = where or exc.location
            raise
        packs.append(_read_pack(path, limits))
    packs += extra

    rules: dict[str, tuple[Rule, Document, int]] = {}
    params: dict[str, Any] = {}
    param_docs: dict[str, Document] = {}
    combine: Combine | None = None
    errors: list[DataError] = []
    for pack, doc in packs:
        seen: set[str] = set()
        for i, rule in enumerate(pack.rules):
            if rule.id in seen:
                errors.append(PolicyError(f"规则编号 “{rule.id}” 在同一规则包中重复",
                                          location=doc.location(("rules", i, "id"))))
            seen.add(rule.id)
            if not rule.enabled and rule.id not in rules:
                errors.append(PolicyError(
                    f"停用的规则 “{rule.id}” 在此前的规则包中不存在",
                    location=doc.location(("rules", i, "id")),
                    hint=did_you_mean(rule.id, rules)))
            rules[rule.id] = (rule, doc, i)
        for key, value in pack.parameters.items():
            params[key] = value
            param_docs[key] = doc
        combine = pack.combine or combine
    if combine is None:
        raise PolicyError("规则包未说明裁决合并方式（combine）",
                          location=packs[0][1].location(()))
    if errors:
        raise DataErrors(errors)
    try:
        parameters = Parameters.model_validate({k: v for k, v in params.items()
                                                if k in ENGINE_PARAMETERS})
    except ValidationError as exc:
        for err in exc.errors():
            doc = param_docs.get(str(err["loc"][0]), packs[-1][1])
            errors.append(explain(err, doc, ("parameters",), Parameters))
        raise DataErrors(errors) from None

    used: set[str] = set()
    active: list[Rule] = []
    for rule, doc, i in rules.values():
        used |= _effect_params(rule)  # a value for the rule, even where a pack switches it off
        if not rule.enabled:
            continue
        rule, wrong = _resolve_effects(rule, doc, i, params)
        errors += wrong
        active.append(rule)
        errors += _check_rule(rule, doc, i, params)
        for case in rule.all_cases():
            used |= conditions.params_used(case.when) | set(_placeholders(case.message))
    for key in params:
        if key not in ENGINE_PARAMETERS and key not in used:
            errors.append(PolicyError(
                f"参数 “{key}” 既不是引擎参数，也没有被任何规则使用",
                location=param_docs[key].location(("parameters", key)),
                hint=did_you_mean(key, ENGINE_PARAMETERS)))
    errors += _check_combine(combine, active, packs)
    if errors:
        raise DataErrors(errors)

    content = {
        "rules": [r.model_dump(mode="json") for r in active],
        "parameters": params,
        "combine": combine.model_dump(mode="json"),
    }
    digest = hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    return Policy(
        id="+".join(p.id for p, _ in packs),
        version="+".join(str(p.version) for p, _ in packs),
        hash=f"sha256:{digest}",
        rules=tuple(active),
        cases=tuple(tuple(r.guarded_cases()) for r in active),
        parameters=parameters,
        raw_parameters=params,
        combine=combine,
        disabled=tuple(r.id for r, _, _ in rules.values() if not r.enabled),
    )


def _effect_params(rule: Rule) -> set[str]:
    """The parameters the rule's effects name (``effect: {param: NAME}``)."""
    return {c.effect.param for c in rule.all_cases() if isinstance(c.effect, EffectParam)}


def _resolve_effects(rule: Rule, doc: Document, index: int,
                     params: dict[str, Any]) -> tuple[Rule, list[DataError]]:
    """The rule with each ``effect: {param: NAME}`` replaced by the parameter's value."""
    if not _effect_params(rule):
        return rule, []
    errors: list[DataError] = []
    allowed = [e for e in get_args(Effect) if e != "assign"]

    def resolved(effect: Any, base: tuple[str | int, ...]) -> Any:
        if not isinstance(effect, EffectParam):
            return effect
        value = params.get(effect.param)
        if value in allowed:
            return value
        errors.append(PolicyError(
            f"效果参数 “{effect.param}” " + ("未定义" if value is None
                                          else f"的值 “{value}” 不是可用的效果"),
            location=doc.location((*base, "effect")),
            hint=(did_you_mean(effect.param, params) if value is None else None)
            or "可用：" + "、".join(allowed)))
        return "note"

    if rule.cases is None:
        return rule.model_copy(update={"effect": resolved(rule.effect, ("rules", index))}), errors
    cases = [c.model_copy(update={"effect": resolved(c.effect, ("rules", index, "cases", ci))})
             for ci, c in enumerate(rule.cases)]
    return rule.model_copy(update={"cases": cases}), errors


def _check_rule(rule: Rule, doc: Document, index: int, params: dict[str, Any]) -> list[DataError]:
    schema = SCHEMAS[rule.scope]
    errors: list[DataError] = []
    for ci, case in enumerate(rule.all_cases()):
        base: tuple[str | int, ...] = ("rules", index) + (("cases", ci) if rule.cases else ())
        where = doc.location(base)
        errors += conditions.check(case.when, schema, params, where)
        if (case.effect == "assign") != (case.assign is not None):
            errors.append(PolicyError("effect 为 assign 时须写 assign，其他效果不能写 assign",
                                      location=doc.location((*base, "effect"))))
        moved = case.assign.phases_to_department if case.assign else None
        phase_lists = [k for k, f in schema.items() if f.type == "list" and f.values == PHASES]
        if moved is not None and moved not in phase_lists:
            errors.append(PolicyError(
                f"phases_to_department 应为环节列表事实字段，实际为 “{moved}”",
                location=doc.location((*base, "assign", "phases_to_department")),
                hint=did_you_mean(moved, phase_lists) or "可用：" + "、".join(phase_lists)))
        problem = _message_problem(case.message)
        if problem:
            errors.append(PolicyError(problem, location=doc.location((*base, "message")),
                                      hint="占位符写作 {字段名}；字面花括号写作 {{ 和 }}。"))
            continue
        for name in _placeholders(case.message):
            if name not in schema and name not in params:
                errors.append(PolicyError(
                    f"消息中的占位符 “{{{name}}}” 不是事实字段或参数",
                    location=doc.location((*base, "message")),
                    hint=did_you_mean(name, [*schema, *params])))
    return errors


def _message_problem(message: str) -> str | None:
    """Why a message template cannot be filled from named facts, or None."""
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError:
        return "消息中的花括号不成对"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not name or not name.isidentifier():
            return f"消息中的占位符 “{{{name}}}” 应为字段名"
        if spec or conversion:
            return f"消息中的占位符 “{{{name}}}” 不能带格式说明或转换"
    return None


def _placeholders(message: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(message) if name]
    except ValueError:
        return []


def _check_combine(combine: Combine, rules: list[Rule],
                   packs: list[tuple[PackFile, Document]]) -> list[DataError]:
    """Every blocking effect a rule can produce must have a place in the precedence."""
    doc = next(d for p, d in reversed(packs) if p.combine is not None)
    where = doc.location(("combine",))
    errors: list[DataError] = []
    if len(set(combine.precedence)) != len(combine.precedence):
        errors.append(PolicyError("combine.precedence 中有重复的效果", location=where))
    used = {c.effect for r in rules for c in r.all_cases()} & set(BLOCKING)
    missing = sorted(used - set(combine.precedence))
    if missing:
        errors.append(PolicyError(
            f"规则会产生效果 {'、'.join(missing)}，但 combine.precedence 没有排列它们",
            location=where, hint="precedence 须列出规则用到的每一种阻断效果。"))
    stray = sorted(set(combine.proposal_decisive) - set(combine.precedence))
    if stray:
        errors.append(PolicyError(
            f"combine.proposal_decisive 中的 {'、'.join(stray)} 不在 precedence 中",
            location=where))
    return errors
