"""A county ready for evaluation: its model, the policy in force and the graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from engine.errors import DataError, DataErrors, Location, VocabularyError, did_you_mean
from engine.graph import CountyGraph, build_graph
from engine.loading.county import CountyParts, assemble_county, read_county
from engine.loading.policy import Policy, load_policy
from engine.loading.yamlio import Document
from engine.models.county import County
from engine.models.policy import PackFile
from engine.paths import SNAPSHOT, sample_county
from engine.rules.facts import powers_needed
from engine.rules.profile import StreetProfiles, fields_read, street_inputs
from engine.vocab import label


@dataclass(frozen=True)
class Workspace:
    county: County
    policy: Policy
    graph: CountyGraph

    @property
    def names(self) -> dict[str, str]:
        """Chinese names of departments, units and streets by id (for messages)."""
        return self.graph.names

    @cached_property
    def profiles(self) -> StreetProfiles:
        """Streets grouped by what the policy's rules and messages read of them."""
        return StreetProfiles(self.graph, street_inputs(fields_read(self.policy, messages=True)),
                              self.policy.parameters)


def load_workspace(directory: Path | None = None, strict: bool = False) -> Workspace:
    """Load a county directory (default: the bundled sample county) with its policy packs,
    from its compiled snapshot when one is fresh (``engine.loading.snapshot``)."""
    directory = Path(directory) if directory is not None else sample_county()
    if (directory / SNAPSHOT).is_file() and (directory / "county.yaml").is_file():
        from engine.loading.snapshot import read_snapshot  # only when there is one

        compiled = read_snapshot(directory)
        if compiled is not None:
            county, where, item_locations = compiled
            return finish_workspace(county, directory, where, item_locations, strict=strict)
    return build_workspace(read_county(directory), strict=strict)


def powers_not_held(county: County, policy: Policy) -> list[tuple[str, str]]:
    """(item id, power) for every catalogue item needing a power its department lacks."""
    out = []
    for item in county.items.values():
        held = set(county.departments[item.department].powers)
        out += [(item.id, p) for p in powers_needed(item, policy.parameters) if p not in held]
    return out


def compile_workspace(directory: Path) -> tuple[Workspace, Path]:
    """Load a county from its YAML, fully checked, and write its snapshot; the workspace
    and the snapshot's path."""
    from engine.loading.snapshot import source_hash, write_snapshot

    directory = Path(directory)
    source = source_hash(directory) if (directory / "county.yaml").is_file() else ""
    parts = read_county(directory)
    loaded = assemble_county(parts)
    where = parts.county_file.location(("policy",))
    ws = finish_workspace(loaded.county, parts.directory, where, loaded.item_locations)
    return ws, write_snapshot(directory, ws.county, where, loaded.item_locations, source)


def domain_error(domain: str | None, policy: Policy,
                 where: Location) -> VocabularyError | None:
    """The error for a field of work (履职领域) the policy's vocabulary lacks, or None."""
    vocabulary = policy.parameters.domains
    if domain is None or vocabulary is None or domain in vocabulary.values:
        return None
    allowed = vocabulary.values
    return VocabularyError(
        f"履职领域 “{domain}” 不在规则包的领域目录中",
        value=domain, allowed=list(allowed), location=where,
        hint=(did_you_mean(domain, allowed) or "")
        + f"可用的领域：{'、'.join(allowed)}（{vocabulary.citation.render()}）；"
          "县区使用其他领域名称时，在本地规则包的 parameters.domains 中写明。")


def build_workspace(parts: CountyParts,
                    extra_packs: Sequence[tuple[PackFile, Document]] = (),
                    strict: bool = False) -> Workspace:
    """Cross-check a county as read and load its packs (then ``extra_packs``).

    A catalogue item whose department lacks a power its phases need is a problem of the
    catalogue, which `duty check` reports (POWER-NOT-HELD) and ``ADM-LAW-HELD`` judges when
    the item is proposed; ``strict`` refuses such a county instead.
    """
    source = assemble_county(parts)
    domains = {item.id: doc.location(("domain",)) for item, doc in parts.items}
    return finish_workspace(source.county, parts.directory,
                            source.county_file.location(("policy",)), source.item_locations,
                            extra_packs, strict, domains)


def finish_workspace(county: County, directory: Path, policy_where: Location,
                     item_locations: Mapping[str, Location],
                     extra_packs: Sequence[tuple[PackFile, Document]] = (),
                     strict: bool = False,
                     domain_locations: Mapping[str, Location] | None = None) -> Workspace:
    """A checked county with its packs loaded: every item's field of work is in the pack's
    vocabulary (errors at ``domain_locations``, else at the item); ``strict`` refuses a
    catalogue item whose department lacks a power its phases need (otherwise `duty check`
    reports it)."""
    policy = load_policy(county.policy, directory, where=policy_where, extra=extra_packs)
    where = domain_locations or item_locations
    unknown = [error for item in county.items.values()
               if (error := domain_error(item.domain, policy, where[item.id])) is not None]
    if unknown:
        raise DataErrors(unknown)  # type: ignore[arg-type]
    if strict:
        errors = [DataError(
            f"事项 {item_id} 需要{label(power)}权（{power}），"
            f"但所属部门 {county.items[item_id].department} 并不持有",
            location=item_locations[item_id], code="E-POWER",
            hint="部门不能把自身没有的职权交给街道：核对事项的环节与职权，"
                 "或在部门的 powers 中补上该职权。")
            for item_id, power in powers_not_held(county, policy)]
        if errors:
            raise DataErrors(errors)
    return Workspace(county, policy, build_graph(county))
