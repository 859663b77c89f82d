"""Load the admission process and check it as a graph before anything runs on it.

Checked: every state named by a transition exists; every state is reachable from the initial
one; every non-final state has a way out to another state; final states have none; action
names are unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx

from engine.errors import DataError, DataErrors, PolicyError, did_you_mean
from engine.loading.yamlio import Document, read_yaml, validate
from engine.models.workflow import ProcessFile, State, Transition
from engine.paths import duties_dir
from engine.workflow.names import Action, GuardName, StateName


@dataclass(frozen=True)
class Process:
    id: str
    title: str
    initial: str
    states: dict[str, State]
    transitions: dict[str, Transition]

    def transition(self, action: str) -> Transition:
        return self.transitions[action]

    def label(self, state: str | None) -> str:
        return "（新申请）" if state is None else self.states[state].label


def _names_checked(spec: ProcessFile, doc: Document) -> list[DataError]:
    """The file against the names the code fires and reads (``engine.workflow.names``): a
    state or action renamed or removed in the file, or one the code does not know, is an
    error here rather than at the first step that needs it."""
    errors: list[DataError] = []
    states = {name: ("states", name) for name in spec.states}
    actions = {t.action: ("transitions", i, "action") for i, t in enumerate(spec.transitions)}
    for kind, declared, known, section in (("状态", states, StateName, "states"),
                                           ("迁移动作", actions, Action, "transitions")):
        names = {n.value for n in known}
        for name, where in declared.items():
            if name not in names:
                errors.append(PolicyError(
                    f"{kind} “{name}” 不是程序认识的名称", location=doc.location(where),
                    hint=did_you_mean(name, names) or "程序认识的名称见 engine/workflow/names.py"))
        for name in sorted(names - set(declared)):
            errors.append(PolicyError(f"流程文件缺少程序要用的{kind} “{name}”",
                                      location=doc.location((section,)),
                                      hint=did_you_mean(name, declared)))
    return errors


def default_process_path() -> Path:
    return duties_dir() / "workflow" / "admission.yaml"


@cache
def load_process(path: Path | None = None, *, checked: bool | None = None) -> Process:
    """The process file (default: the bundled one), checked on its own: states, transitions,
    guards, reachability. ``checked`` (default: for the bundled file, the one the service
    runs) also checks it against the names the code fires (``_names_checked``)."""
    guards = [g.value for g in GuardName]
    doc = read_yaml(path or default_process_path())
    spec = validate(ProcessFile, doc)
    errors: list[DataError] = []
    states = spec.states
    if spec.initial not in states:
        errors.append(PolicyError(f"初始状态 “{spec.initial}” 未定义",
                                  location=doc.location(("initial",)),
                                  hint=did_you_mean(spec.initial, states)))
    graph = nx.DiGraph()
    graph.add_nodes_from(states)
    seen: set[str] = set()
    for i, t in enumerate(spec.transitions):
        if t.action in seen:
            errors.append(PolicyError(f"迁移动作 “{t.action}” 重复",
                                      location=doc.location(("transitions", i, "action"))))
        seen.add(t.action)
        for field, names in (("from", t.from_), ("to", [t.to])):
            for name in names:
                if name not in states:
                    errors.append(PolicyError(
                        f"状态 “{name}” 未定义", location=doc.location(("transitions", i, field)),
                        hint=did_you_mean(name, states)))
        graph.add_edges_from((s, t.to) for s in t.from_ if s != t.to)
        for j, name in enumerate(t.guards):
            if name not in guards:
                errors.append(PolicyError(f"守卫条件 “{name}” 未定义",
                                          location=doc.location(("transitions", i, "guards", j)),
                                          hint=did_you_mean(name, guards)))
    if (path is None) if checked is None else checked:
        errors += _names_checked(spec, doc)
    if errors:
        raise DataErrors(errors)
    creators = {t.to for t in spec.transitions if not t.from_}
    reachable = set().union(*(nx.descendants(graph, s) | {s} for s in creators | {spec.initial}))
    for name, state in states.items():
        where = doc.location(("states", name))
        if name not in reachable:
            errors.append(PolicyError(f"状态 “{name}” 无法从初始状态到达", location=where))
        if not state.final and graph.out_degree(name) == 0:
            errors.append(PolicyError(f"非终止状态 “{name}” 没有出路", location=where,
                                      hint="加一条从该状态出发的迁移，或标为 final: true。"))
        if state.final and graph.out_degree(name) > 0:
            errors.append(PolicyError(f"终止状态 “{name}” 不应还有迁移", location=where))
    if errors:
        raise DataErrors(errors)
    return Process(spec.id, spec.title, spec.initial, dict(states),
                   {t.action: t for t in spec.transitions})
