"""The durable_rules adapter: the only module that imports durable_rules.

It compiles a policy into one durable_rules ruleset and evaluates batches of facts on it,
returning which rule case matched which fact. It handles the engine's sharp edges:

- one long-lived ``Host`` per process, with its background dispatch threads disabled (they
  race the caller and lose results in batch runs); actions run synchronously in the caller;
- rulesets are registered once under a versioned name that includes the policy hash, since a
  name cannot be registered twice;
- every fact carries a unique ``id`` (fact identity is otherwise a 32-bit hash) and is
  retracted after the evaluation, in one fixed session, so no session state accumulates;
- facts are asserted one by one: a batch assert containing one unmatched fact raises and
  drops the actions of the others;
- exceptions inside actions are swallowed by durable_rules into the session state, so actions
  here catch them themselves and the adapter re-raises them as ``EngineError``;
- "no rule matched" (``MessageNotHandledException``) means no finding, not an error.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from durable import engine as durable

from engine.errors import EngineError
from engine.rules.conditions import compile_condition, count_field, facts_used

_SESSION = "duty"


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


@dataclass(frozen=True)
class Match:
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
        self._fired: list[tuple[int, int, str]] = []
        self._errors: list[BaseException] = []
        # only the fields some condition reads cross into durable_rules (JSON both ways)
        self._fields = sorted({"kind"}.union(*(facts_used(c) for r in rules
                                               for c in r.conditions)))
        definition: dict[str, Any] = {}
        for ri, rule in enumerate(rules):
            for ci, cond in enumerate(rule.conditions):
                expr = {"$and": [{"kind": rule.scope}, compile_condition(cond, params)]}
                definition[f"r{ri}_{ci}"] = {"all": [{"m": expr}], "run": self._action(ri, ci)}
        self.definition_size = len(definition)
        if definition:
            self.name = _register(name, definition)

    def _action(self, ri: int, ci: int) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            try:
                self._record(ri, ci, c.m.id)
            except BaseException as exc:  # durable_rules would swallow it: keep it to re-raise
                self._errors.append(exc)

        return action

    def _record(self, ri: int, ci: int, fact_id: str) -> None:
        self._fired.append((ri, ci, fact_id))

    def evaluate(self, facts: Sequence[dict[str, Any]]) -> list[Match]:
        """Assert each fact, collect every match, retract every fact.

        Facts that agree on every field the rules read get the same matches, so each distinct
        one is asserted once and its matches are shared (streets of one profile in a
        proposal); a rule that reads a street's id or name makes every street distinct.
        """
        if not self.definition_size:
            return []
        h = host()
        with _lock:
            self._fired.clear()
            self._errors.clear()
            owners: dict[str, list[int]] = {}
            seen: dict[tuple[Any, ...], str] = {}
            asserted: list[str] = []
            try:
                for i, fact in enumerate(facts):
                    key = self._key(fact)
                    fid = seen.get(key)
                    if fid is None:
                        wire = self._wire(fact)
                        fid = seen[key] = wire["id"]
                        owners[fid] = []
                        with contextlib.suppress(durable.MessageNotHandledException):
                            h.assert_fact(self.name, wire)
                        asserted.append(fid)
                        if self._errors:
                            raise EngineError(f"规则动作执行失败：{self._errors[0]!r}")
                    owners[fid].append(i)
                matches = [Match(ri, ci, i) for ri, ci, fid in self._fired for i in owners[fid]]
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"规则引擎执行失败：{exc!r}") from exc
            finally:
                self._fired.clear()
                failed = self._retract(h, asserted)
            if failed:
                raise EngineError(f"规则引擎撤回事实失败：{failed[0]!r}")
        return matches

    def _retract(self, h: _QuietHost, fact_ids: list[str]) -> list[BaseException]:
        """Retract every fact (identity is the id); keep going past failures, return them."""
        failed: list[BaseException] = []
        for fid in fact_ids:
            try:
                h.retract_fact(self.name, {"id": fid, "sid": _SESSION})
            except durable.MessageNotHandledException:
                pass
            except Exception as exc:
                failed.append(exc)
        return failed

    def _key(self, fact: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(tuple(v) if isinstance(v := fact.get(k), list) else v
                     for k in self._fields)

    def _wire(self, fact: dict[str, Any]) -> dict[str, Any]:
        """A fact as durable_rules receives it: the fields the rules read, list lengths,
        a unique id and the fixed session."""
        wire: dict[str, Any] = {"id": f"f{next(_ids)}", "sid": _SESSION}
        for key in self._fields:
            if key in fact:
                value = wire[key] = fact[key]
                if isinstance(value, list):
                    wire[count_field(key)] = len(value)
        return wire


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
