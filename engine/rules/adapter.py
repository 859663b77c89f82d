"""The durable_rules adapter: the only module that imports durable_rules.

It compiles a policy into one durable_rules ruleset and evaluates batches of facts on it,
returning which rule case matched which fact. It handles the engine's sharp edges:

- one long-lived ``Host`` per process, with its background dispatch threads disabled (they
  race the caller and lose results in batch runs); all work happens in the caller;
- rulesets are registered once under a versioned name that includes the policy hash, since a
  name cannot be registered twice;
- every fact carries a unique ``id`` (fact identity is otherwise a 32-bit hash) and is
  retracted after the evaluation, in one fixed session, so no session state accumulates;
- a batch's facts are asserted in one ``assert_facts`` call and retracted in one
  ``retract_facts`` call, both made on durable_rules' engine module (the retraction's text
  written from the ids). A batch containing one fact no rule matches raises
  ``MessageNotHandledException`` and drops the matches of the others, so every ruleset has a
  rule whose first pattern every asserted fact matches (which makes it handled) and whose
  second pattern no fact matches (so it never fires);
- a fact carries only what the rules of its kind test, under short names: a list tested
  only by its length (``empty``, the guard of ``not_contains``) crosses as its count alone;
- every rule takes up to ``_CAP`` matches per action (durable_rules' ``cap``), and the adapter
  takes the actions from durable_rules' engine module itself: its Python dispatch would build
  a closure per action, decode the session state and encode it back, and decode every
  matched fact, where only the facts' ids are needed (``_matched``);
- durable_rules would swallow an exception raised while a match is recorded, so the adapter
  keeps it, finishes the batch and re-raises it as ``EngineError``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from durable import engine as durable

from engine.errors import EngineError
from engine.rules.conditions import compile_condition, count_field, facts_used

_SESSION = "duty"
_ABSENT = "never_asserted"  # a field no fact carries
_tuple = tuple.__new__
# facts are trees of scalars and lists (no cycles to look for while encoding)
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                           check_circular=False).encode
_CAP = 10_000  # matches one action call takes (a batch's more are split over calls)
_RETRACT_JOIN = f'","sid":"{_SESSION}"}},{{"id":"'
_RETRACT_END = f'","sid":"{_SESSION}"}}]'


class _QuietHost(durable.Host):
    """A Host whose timer threads never start: all work happens in the calling thread."""

    def _run(self) -> None:  # the base class starts two self-rescheduling timer threads here
        return None


_host: _QuietHost | None = None
_lock = threading.Lock()
_ids = itertools.count()
_compiled: dict[str, CompiledRuleset] = {}


def host() -> _QuietHost:
    global _host
    if _host is None:
        _host = _QuietHost()
    return _host


class Match(NamedTuple):
    """Rule ``rule`` (its case ``case``) matched the fact at ``fact`` in the evaluated batch."""

    rule: int
    case: int
    fact: int


@dataclass(frozen=True)
class RuleSpec:
    """What the adapter needs of one rule: its scope and its cases' conditions."""

    scope: str
    conditions: tuple[dict[str, Any], ...]


class CompiledRuleset:
    """A policy registered on the process's Host."""

    def __init__(self, name: str, rules: Sequence[RuleSpec], params: dict[str, Any]) -> None:
        self.name = name
        self._fired: list[tuple[int, int, list[str]]] = []
        self._errors: list[BaseException] = []
        self._rule_of: dict[str, tuple[int, int]] = {}
        # a fact crosses into durable_rules (JSON both ways) with only the fields the rules of
        # its kind read, under short names; a fact of a kind no rule has is not asserted
        used: dict[str, set[str]] = {}
        for r in rules:
            used.setdefault(r.scope, set()).update(*(facts_used(c) for c in r.conditions))
        names = sorted(set().union(*used.values()))
        short = {name: f"a{i}" for i, name in enumerate(names)}
        short |= {count_field(name): f"n{i}" for i, name in enumerate(names)}
        self._rule_of: dict[str, tuple[int, int]] = {}
        definition: dict[str, Any] = {}
        read: set[str] = set()  # the wire names the compiled conditions test
        for ri, rule in enumerate(rules):
            for ci, cond in enumerate(rule.conditions):
                expr = {"$and": [{"kind": rule.scope},
                                 _renamed(compile_condition(cond, params), short)]}
                read |= _tested(expr)
                self._rule_of[f"r{ri}_{ci}"] = (ri, ci)
                definition[f"r{ri}_{ci}"] = {"all": [{"m": expr}], "cap": _CAP, "run": _never}
        # a list whose rules only test its length (``empty``, the guard of ``not_contains``)
        # crosses as its count alone; a count no rule tests is left out
        self._fields = {scope: [(name, short[name] if short[name] in read else None,
                                 short[count_field(name)] if short[count_field(name)] in read
                                 else None)
                                for name in sorted(fields)] for scope, fields in used.items()}
        self.definition_size = len(definition)
        # each rule case's patterns as registered, by its durable_rules name (what
        # ``make bench`` gives raw durable_rules to run the same rules); not to be changed
        self.patterns: dict[str, list[dict[str, Any]]] = {
            rule: spec["all"] for rule, spec in definition.items()}
        if definition:
            # every asserted fact has a kind, so it passes this rule's first pattern and is
            # handled: a batch assert is never refused for a fact no policy rule matches. No
            # fact has the second pattern's field, so the rule never fires
            definition["handled"] = {"all": [{"m": {"$ex": {"kind": 1}}},
                                             {"never": {"$ex": {_ABSENT: 1}}}],
                                     "run": _never}
            self.name = _register(name, definition)
            self._handle = host().get_ruleset(self.name)._handle

    def _record(self, ri: int, ci: int, fact_ids: list[str]) -> None:
        self._fired.append((ri, ci, fact_ids))

    def evaluate(self, facts: Sequence[dict[str, Any]], *, share: bool = True) -> list[Match]:
        """Every match of the rules on ``facts``, ordered by fact, rule and case. The facts
        are asserted in one batch and retracted afterwards.

        With ``share``, facts that agree on every field the rules of their kind read get the
        same matches, so each distinct one is asserted once and its matches are shared
        (streets of one profile in a proposal); a rule that reads a street's id or name makes
        every street distinct. Without it every fact is asserted: one rule pass per fact, as
        the benchmark measures like for like. A fact whose ``kind`` no rule has matches
        nothing and is not asserted.
        """
        if not self.definition_size:
            return []
        wires, owners = self._wires(facts, share)
        if not wires:
            return []
        h = host()
        with _lock:
            self._fired.clear()
            self._errors.clear()
            try:
                self._assert(wires)
                if self._errors:
                    raise EngineError(f"规则动作执行失败：{self._errors[0]!r}")
                # sorted as plain (fact, rule, case) tuples, then made matches without
                # the named tuple's Python constructor
                found = sorted([(i, ri, ci) for ri, ci, ids in self._fired
                                for fid in ids for i in owners[fid]])
                matches = [_tuple(Match, (ri, ci, i)) for i, ri, ci in found]
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"规则引擎执行失败：{exc!r}") from exc
            finally:
                self._fired.clear()
                failed = self._retract(h, list(owners))
            if failed:
                raise EngineError(f"规则引擎撤回事实失败：{failed[0]!r}")
        return matches

    def wires(self, facts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The facts as they cross into durable_rules, every one (without sharing); a fact
        whose kind no rule has is left out. Each has a fresh id."""
        return self._wires(facts, False)[0]

    def _wires(self, facts: Sequence[dict[str, Any]],
               share: bool) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
        """The facts to assert, and for each its id and the positions in ``facts`` it stands
        for (one, or with ``share`` every fact that agrees with it on what the rules read)."""
        wires: list[dict[str, Any]] = []
        owners: dict[str, list[int]] = {}
        seen: dict[tuple[Any, ...], list[int]] = {}
        for i, fact in enumerate(facts):
            kind = fact.get("kind")
            fields = self._fields.get(kind) if isinstance(kind, str) else None
            if fields is None:
                continue
            if share:
                key = (kind, *(tuple(v) if isinstance(v := fact.get(name), list) else v
                               for name, _, _ in fields))
                found = seen.get(key)
                if found is not None:
                    found.append(i)
                    continue
            fid = f"f{next(_ids)}"
            wire: dict[str, Any] = {"id": fid, "sid": _SESSION, "kind": kind}
            for name, short, count in fields:
                if name in fact:
                    value = fact[name]
                    if short is not None:
                        wire[short] = value
                    if count is not None and isinstance(value, list):
                        wire[count] = len(value)
            wires.append(wire)
            owners[fid] = [i]
            if share:
                seen[key] = owners[fid]
        return wires, owners

    def _assert(self, wires: list[dict[str, Any]]) -> None:
        """Assert the facts in one call and take every match from durable_rules' engine, one
        message per rule (up to ``_CAP`` matches each), without its Python dispatch: that
        would build a closure per message, decode the session state and encode it back."""
        engine, handle = durable.durable_rules_engine, self._handle
        result = engine.assert_facts(handle, _encode(wires))
        if result[0] in (1, 2):  # not handled, already observed: never, given ids and "handled"
            raise EngineError(f"规则引擎拒绝了一批事实（代码 {result[0]}）")
        state = 0 if result[0] == 3 else result[1]
        started = engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        try:
            while message:
                for rule, ids in _matched(message):
                    ri, ci = self._rule_of[rule]
                    try:
                        self._record(ri, ci, ids)
                    except BaseException as exc:  # kept to re-raise once the batch is done
                        self._errors.append(exc)
                message = engine.complete_and_start_action(handle, state)
        except BaseException:
            engine.abandon_action(handle, state)
            raise

    def _retract(self, h: _QuietHost, fact_ids: list[str]) -> list[BaseException]:
        """Retract every fact (identity is the id) in one call to durable_rules' engine, the
        text written directly (ids are ``f<number>``, nothing to escape); if that fails, one
        by one, past the facts that never got in. The failures, if any."""
        if not fact_ids:
            return []
        engine, handle = durable.durable_rules_engine, self._handle
        try:
            result = engine.retract_facts(
                handle, '[{"id":"' + _RETRACT_JOIN.join(fact_ids) + _RETRACT_END)
            if result[0] not in (1, 2):  # 1, 2: not handled, already observed
                # what durable_rules' dispatch would do next: run any action now due (a
                # retraction completes none of these rules; should one be due, it is
                # completed here rather than met by the next batch)
                state = 0 if result[0] == 3 else result[1]
                if engine.start_action_for_state(handle, state):
                    while engine.complete_and_start_action(handle, state):
                        pass
                return []
        except Exception:  # one by one tells which facts fail
            pass
        failed: list[BaseException] = []
        for fid in fact_ids:
            try:
                h.retract_fact(self.name, {"id": fid, "sid": _SESSION})
            except durable.MessageNotHandledException:
                pass
            except Exception as exc:
                failed.append(exc)
        return failed


def _never(c: Any) -> None:
    """The action durable_rules requires of every rule. The adapter takes the matches from
    the engine itself (``CompiledRuleset._assert``), so no action is ever run."""


_RULE = re.compile(r'\{"(r\d+_\d+)":\[')  # a message's first key: the rule's name
_FRAME_ID = re.compile(r'\{"m":\{(?:"id":"(f\d+)")?')  # a frame and the id it begins with
_NEXT_RULE = '}],"'  # what a second rule's key would follow: its first rule's frames ending


def _matched(message: str) -> list[tuple[str, list[str]]]:
    """The rules in an action message and the ids of the facts each matched.

    A message is ``{"RULE": [{"m": FACT}, ...]}`` (one rule: each rule is its own action)
    with each fact the text it was asserted as, which begins with its id (``evaluate`` puts it
    first). Rather than decode every fact, the rule's name (``r<rule>_<case>``) is read at the
    start and the ids from the text: ``{"m":{`` cannot occur inside a JSON string, so every
    occurrence begins a frame, and a second rule's key could only follow ``}],"``, which no
    fact of scalars and lists of scalars contains. Should the message hold more than that
    rule, or a frame not begin with its id, it is decoded in full instead.
    """
    rule = _RULE.match(message)
    if rule is not None and _NEXT_RULE not in message:
        ids = _FRAME_ID.findall(message, rule.end())
        if ids and "" not in ids:
            return [(rule.group(1), ids)]
    return [(name, [frame["m"]["id"] for frame in frames])
            for name, frames in json.loads(message).items()]


def _renamed(expr: Any, names: dict[str, str]) -> Any:
    """A compiled condition with its fact fields under the wire's short names (keys that are
    not operators are fields; an operator holds expressions, or a field and its operand)."""
    if isinstance(expr, list):
        return [_renamed(e, names) for e in expr]
    if not isinstance(expr, dict):
        return expr
    return {(k if k.startswith("$") else names[k]):
            (_renamed(v, names) if k.startswith("$") or isinstance(v, dict) else v)
            for k, v in expr.items()}


def _tested(expr: Any) -> set[str]:
    """The fact fields a compiled expression tests (its keys that are not operators)."""
    if isinstance(expr, list):
        return set().union(*(_tested(e) for e in expr))
    if not isinstance(expr, dict):
        return set()
    return {k for k in expr if not k.startswith("$")}.union(
        *(_tested(v) for v in expr.values()))


def _register(name: str, definition: dict[str, Any], attempts: int = 5) -> str:
    """Register a ruleset, returning the name it got.

    durable_rules' C parser has been seen, rarely and only under heavy machine load, to refuse
    a valid ruleset ("Could not create ruleset, error code: 102"); the same definition
    registers on the next attempt. A refused name may be half-registered, so each retry uses
    a fresh name; durable_rules removes the actions from the rules it is given, so each
    attempt gets its own copy. After ``attempts`` refusals the error is an engine fault.
    """
    for attempt in range(attempts):
        candidate = name if attempt == 0 else f"{name}-retry{attempt}"
        try:
            host().register_rulesets({candidate: {k: dict(v) for k, v in definition.items()}})
            return candidate
        except Exception as exc:  # durable raises its C module's bare ``error`` type
            if "Could not create ruleset" not in str(exc) or attempt == attempts - 1:
                raise EngineError(f"规则引擎无法注册规则集：{exc}") from exc
    raise AssertionError("unreachable")


def registered(key: str) -> CompiledRuleset | None:
    """The ruleset already compiled for ``key``, if any (no lock: a dict read)."""
    return _compiled.get(key)


def compiled(key: str, label: str, rules: Sequence[RuleSpec],
             params: dict[str, Any]) -> CompiledRuleset:
    """The ruleset for a policy (by content ``key``), compiled and registered once."""
    with _lock:
        found = _compiled.get(key)
        if found is None:
            # unique per process: a durable_rules name can never be registered twice
            name = re.sub(r"[^A-Za-z0-9_@.+#-]", "_", f"{label}#{len(_compiled)}")
            found = CompiledRuleset(name, rules, params)
            _compiled[key] = found
        return found
