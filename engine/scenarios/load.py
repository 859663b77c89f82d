"""Scenario files → a county ready for evaluation and the proposals of each step.

A scenario starts from the bundled sample county or a county directory (relative to the
scenario file), optionally altered inline. The alterations are validated with the same models
as the county's own files, and every error names the scenario file, line and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from engine.errors import DataError, DataErrors, did_you_mean
from engine.lists.apply import with_admitted
from engine.loading.county import CountyParts, read_county
from engine.loading.proposal import ProposalSource, load_proposal
from engine.loading.workspace import Workspace, build_workspace
from engine.loading.yamlio import Document, display_path, read_yaml, validate
from engine.models.county import Department, DutyItem, Street, Unit
from engine.models.policy import PackFile
from engine.models.proposal import Proposal
from engine.models.scenario import CountySpec, ScenarioFile, Step, StepExpect
from engine.paths import sample_county

SAMPLE = "sample"
_SECTIONS: dict[str, type[BaseModel]] = {
    "departments": Department, "streets": Street, "units": Unit, "items": DutyItem}


@dataclass(frozen=True)
class ScenarioStep:
    step: Step
    source: ProposalSource


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: its file, its starting county and its steps."""

    key: str  # the file's path below the folder it was found in, without `.yaml`
    display: str
    spec: ScenarioFile
    workspace: Workspace
    steps: tuple[ScenarioStep, ...]


class CountyCache:
    """County directories read once per run (scenarios often share one)."""

    def __init__(self) -> None:
        self._parts: dict[Path, CountyParts] = {}
        self._plain: dict[Path, Workspace] = {}

    def parts(self, directory: Path) -> CountyParts:
        key = directory.resolve()
        if key not in self._parts:
            self._parts[key] = read_county(directory)
        return self._parts[key]

    def workspace(self, directory: Path) -> Workspace:
        key = directory.resolve()
        if key not in self._plain:
            self._plain[key] = with_admitted(build_workspace(self.parts(directory)), directory)
        return self._plain[key]


def load_scenario(path: Path, key: str, cache: CountyCache | None = None) -> Scenario:
    cache = cache or CountyCache()
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise DataError("情景文件应为映射（键: 值）", location=doc.location(()), code="E-SCHEMA")
    spec = validate(ScenarioFile, doc)
    ws = _county(spec.county, doc, cache)
    steps, errors = [], []
    for i, step in enumerate(spec.steps):
        try:
            steps.append(ScenarioStep(step, _proposal(step, doc.sub(("steps", i)))))
        except DataError as exc:  # one error or several
            errors.append(exc)
        errors += _check_references(step.expect, ws, doc.sub(("steps", i, "expect")))
        errors += _check_readings(step, ws, doc.sub(("steps", i, "read")))
    if errors:
        raise DataErrors(errors)
    return Scenario(key, doc.display, spec, ws, tuple(steps))


def _county(spec: str | CountySpec, doc: Document, cache: CountyCache) -> Workspace:
    if isinstance(spec, str):
        spec = CountySpec(path=spec)
        where = doc.sub(("county",))
    else:
        where = doc.sub(("county", "path"))
    directory = sample_county() if spec.path == SAMPLE else doc.path.parent / spec.path
    if not (directory / "county.yaml").is_file():
        raise DataError(f"找不到县区目录 {display_path(directory)}（应包含 county.yaml）",
                        location=where.location(()), code="E-NOTFOUND",
                        hint="写 sample（内置示例区），或相对于情景文件的县区目录。")
    changes = spec.changes
    if not changes.model_fields_set:
        return cache.workspace(directory)
    cdoc = doc.sub(("county", "changes"))
    parts = cache.parts(directory)
    errors: list[DataError] = []
    altered: dict[str, Any] = {}
    for section, model in _SECTIONS.items():
        entries = list(getattr(parts, section))
        for i, raw in enumerate(getattr(changes, section)):
            edoc = cdoc.sub((section, i))
            at = next((k for k, (e, _) in enumerate(entries) if e.id == raw.get("id")), None)
            data = raw if at is None else {**entries[at][0].model_dump(mode="json"), **raw}
            try:
                entry = (validate(model, edoc, data=data), edoc)
            except DataErrors as exc:
                errors.append(exc)
                continue
            if at is None:
                entries.append(entry)
            else:
                entries[at] = entry
        altered[section] = entries
    extra: list[tuple[PackFile, Document]] = []
    if changes.parameters or changes.rules:
        pack = {"schema_version": 1, "id": "scenario", "version": 1, "title": "情景中的规则修改",
                "parameters": changes.parameters, "rules": changes.rules}
        try:
            extra.append((validate(PackFile, cdoc, data=pack), cdoc))
        except DataErrors as exc:
            errors.append(exc)
    if errors:
        raise DataErrors(errors)
    return with_admitted(build_workspace(replace(parts, **altered), extra), directory)


def _proposal(step: Step, doc: Document) -> ProposalSource:
    if isinstance(step.proposal, str):
        return load_proposal(doc.path.parent / step.proposal)
    pdoc = doc.sub(("proposal",))
    return ProposalSource(validate(Proposal, pdoc), pdoc)


def _check_references(expect: StepExpect, ws: Workspace, doc: Document) -> list[DataError]:
    """Street and rule ids an expectation names must exist: a typo must not pass silently."""
    streets, rules = ws.county.streets, [r.id for r in ws.policy.rules]
    errors: list[DataError] = []

    def known(value: str, choices: Iterable[str], what: str, loc: tuple[str | int, ...]) -> None:
        choices = list(choices)
        if value not in choices:
            errors.append(DataError(f"未知的{what} “{value}”", location=doc.location(loc),
                                    code="E-REF", hint=did_you_mean(value, choices)))

    def rule_ids(names: list[str], base: tuple[str | int, ...], fired: bool) -> None:
        # a rule switched off never fires: it may be named among those that must not fire
        for k, rule in enumerate(names):
            if fired or rule not in ws.policy.disabled:
                known(rule, rules, "规则（现行规则包中没有，或已停用）", (*base, k))

    rule_ids(expect.fired, ("fired",), True)
    rule_ids(expect.not_fired, ("not_fired",), False)
    per_street = [(("streets", sid), e) for sid, e in expect.streets.items()]
    if expect.each_street is not None:
        per_street.append((("each_street",), expect.each_street))
    for base, street in per_street:
        if base[0] == "streets":
            known(str(base[1]), streets, "街道", base)
        rule_ids(street.fired, (*base, "fired"), True)
        rule_ids(street.not_fired, (*base, "not_fired"), False)
    for k, row in enumerate(expect.rows):
        known(row.street, streets, "街道", ("rows", k, "street"))
    return errors


def _check_readings(step: Step, ws: Workspace, doc: Document) -> list[DataError]:
    """The streets the rows of a step's readings name must exist."""
    return [DataError(f"未知的街道 “{row.street}”",
                      location=doc.location((k, "rows", j, "street")), code="E-REF",
                      hint=did_you_mean(row.street, list(ws.county.streets)))
            for k, reading in enumerate(step.read) for j, row in enumerate(reading.rows)
            if row.street not in ws.county.streets]
